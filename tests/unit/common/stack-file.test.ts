import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import {
  LocalStackFile,
  readStackFile,
  removeStackFile,
  updateStackFile,
  writeStackFile,
} from "../../../runtime/common/stack-file";

const STACK: LocalStackFile = {
  kinesisEndpoint: "http://127.0.0.1:4568",
  dynamodbEndpoint: "http://127.0.0.1:4569",
  region: "us-east-1",
  streamName: "kinesis-pipeline-local",
  streamArn: "arn:aws:kinesis:us-east-1:000000000000:stream/kinesis-pipeline-local",
  shardCount: 4,
  stackPid: 100,
  pids: { kinesis: 101, dynamodb: 102 },
  startedAt: "2025-01-01T00:00:00.000Z",
};

describe("the local stack file", () => {
  let dir: string;
  beforeEach(async () => (dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "stack-file-test-")), "state")));
  afterEach(() => fs.rm(path.dirname(dir), { recursive: true, force: true }));

  it("is absent (undefined) before a stack writes it, and after it is removed", async () => {
    expect(await readStackFile(dir)).to.equal(undefined);
    await writeStackFile(dir, STACK);
    expect(await readStackFile(dir)).to.deep.equal(STACK);
    await removeStackFile(dir);
    expect(await readStackFile(dir)).to.equal(undefined);
    await removeStackFile(dir);
  });

  it("lets later parts add entries and pids without losing the others, even when updates overlap", async () => {
    await writeStackFile(dir, STACK);
    await Promise.all([
      updateStackFile(dir, { ingestUrl: "http://127.0.0.1:8080", pids: { producer: 103 } }),
      updateStackFile(dir, { pids: { consumer: 104 } }),
    ]);
    expect(await readStackFile(dir)).to.deep.equal({
      ...STACK,
      ingestUrl: "http://127.0.0.1:8080",
      pids: { kinesis: 101, dynamodb: 102, producer: 103, consumer: 104 },
    });
    expect(await fs.readdir(dir), "temporary files left behind").to.deep.equal(["stack.json"]);
  });

  it("refuses to update a stack that is not running", async () => {
    let failure: unknown;
    await updateStackFile(dir, { ingestUrl: "x" }).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error).with.property("message").that.includes("no local stack is running");
  });
});
