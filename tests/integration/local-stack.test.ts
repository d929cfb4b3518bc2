import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { expect } from "chai";

import { createKinesisClient } from "../../runtime/aws/kinesis-client";
import { freePort } from "../../runtime/local/ports";
import { LocalStackFile, readStackFile, stackFilePath } from "../../runtime/local/stack-file";
import { isRunning, killIfRunning, waitUntilGone } from "./process-checks";
import { StackProcess } from "./stack-process";

/** Start takes 2-4 s here (mostly kinesis-local); the bound leaves room for a busy machine. */
const START_TIMEOUT_MS = 40_000;

describe("npm start (the local stack)", function () {
  this.timeout(60_000);
  let stack: StackProcess | undefined;
  let stateDir: string;
  let env: Record<string, string>;
  let stackFile: LocalStackFile | undefined;

  beforeEach(async () => {
    stateDir = await fs.mkdtemp(path.join(os.tmpdir(), "local-stack-test-"));
    env = {
      LOCAL_KINESIS_PORT: String(await freePort()),
      LOCAL_DYNAMODB_PORT: String(await freePort()),
      LOCAL_STATE_DIR: stateDir,
      LOCAL_SHARDS: "2",
    };
    stack = undefined;
    stackFile = undefined;
  });

  afterEach(async () => {
    // Even after a failed assertion, nothing this test started may keep running.
    stack?.kill();
    killIfRunning(stackFile?.pids.kinesis);
    killIfRunning(stackFile?.pids.dynamodb);
    await fs.rm(stateDir, { recursive: true, force: true });
  });

  /** Starts the stack and waits until it is ready: the stack file exists and the table is printed. */
  async function startStack(): Promise<LocalStackFile> {
    stack = new StackProcess(env);
    const running = stack;
    stackFile = await running.waitFor("the stack file", () => readStackFile(stateDir), START_TIMEOUT_MS);
    await running.waitFor(
      "the ready message",
      () => (running.stdout.includes("Ctrl-C to stop") ? true : undefined),
      5_000,
    );
    return stackFile;
  }

  it("starts both emulators and a stream, round-trips records, and stops cleanly on SIGINT", async () => {
    const file = await startStack();
    expect(file).to.include({
      kinesisEndpoint: `http://127.0.0.1:${env.LOCAL_KINESIS_PORT}`,
      dynamodbEndpoint: `http://127.0.0.1:${env.LOCAL_DYNAMODB_PORT}`,
      region: "us-east-1",
      streamName: "kinesis-pipeline-local",
      shardCount: 2,
      stackPid: stack!.child.pid,
    });
    expect(stack!.stdout)
      .to.include(file.kinesisEndpoint)
      .and.include(file.dynamodbEndpoint)
      .and.include(stackFilePath(stateDir));

    const client = createKinesisClient({ region: file.region, endpoint: file.kinesisEndpoint, http: "1.1" });
    try {
      const sent = ["a", "b", "c", "d", "e", "f", "g", "h"].map((key) => ({ key, data: `event for ${key}` }));
      const put = await client.send(
        new PutRecordsCommand({
          StreamName: file.streamName,
          Records: sent.map(({ key, data }) => ({ PartitionKey: key, Data: Buffer.from(data) })),
        }),
      );
      expect(put.FailedRecordCount).to.equal(0);
      const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: file.streamName }));
      const received: { key: string; data: string }[] = [];
      for (const shard of Shards) {
        const { ShardIterator } = await client.send(
          new GetShardIteratorCommand({
            StreamName: file.streamName,
            ShardId: shard.ShardId,
            ShardIteratorType: "TRIM_HORIZON",
          }),
        );
        const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator }));
        received.push(
          ...Records.map((record) => ({ key: record.PartitionKey!, data: Buffer.from(record.Data!).toString() })),
        );
      }
      expect(received.sort((x, y) => x.key.localeCompare(y.key))).to.deep.equal(sent);
    } finally {
      client.destroy();
    }

    const signalledAt = Date.now();
    stack!.child.kill("SIGINT");
    const exit = await stack!.exitWithin(5_000);
    expect(exit, stack!.output()).to.deep.equal({ code: 0, signal: null });
    expect(Date.now() - signalledAt).to.be.below(5_000);
    expect(await readStackFile(stateDir), "stack file left behind").to.equal(undefined);
    expect(isRunning(file.pids.kinesis!), "kinesis emulator still running").to.equal(false);
    expect(isRunning(file.pids.dynamodb!), "dynamodb emulator still running").to.equal(false);
  });

  it("refuses a port in use: exit code 2, naming the port and the variable, nothing started", async () => {
    const port = Number(env.LOCAL_KINESIS_PORT);
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      stack = new StackProcess(env);
      const exit = await stack.exitWithin(15_000);
      expect(exit.code, stack.output()).to.equal(2);
      expect(stack.stderr).to.include(`port ${port} is already in use`).and.include("LOCAL_KINESIS_PORT");
      expect(stack.stdout).to.not.include("Starting");
      expect(await readStackFile(stateDir)).to.equal(undefined);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("rejects a bad setting with exit code 2, naming the variable, its value and what is allowed", async () => {
    stack = new StackProcess({ ...env, LOCAL_SHARDS: "51" });
    const exit = await stack.exitWithin(15_000);
    expect(exit.code, stack.output()).to.equal(2);
    expect(stack.stderr).to.match(/LOCAL_SHARDS="51" .*integer from 1 to 50/);
  });

  it("--help lists every environment variable and exits 0", async () => {
    stack = new StackProcess(env, ["--help"]);
    const exit = await stack.exitWithin(15_000);
    expect(exit.code, stack.output()).to.equal(0);
    for (const variable of [
      "LOCAL_KINESIS_PORT",
      "LOCAL_DYNAMODB_PORT",
      "LOCAL_SHARDS",
      "LOCAL_STREAM_NAME",
      "LOCAL_STATE_DIR",
    ]) {
      expect(stack.stdout).to.include(variable);
    }
  });

  it("when the kinesis emulator dies, says so, stops DynamoDB and exits 1", async () => {
    const file = await startStack();
    process.kill(file.pids.kinesis!, "SIGKILL");
    const exit = await stack!.exitWithin(10_000);
    expect(exit.code, stack!.output()).to.equal(1);
    expect(stack!.stderr).to.match(
      new RegExp(`kinesis \\(pid ${file.pids.kinesis}\\) died unexpectedly \\(killed by SIGKILL\\)`),
    );
    expect(await waitUntilGone(file.pids.dynamodb!, 2_000), "dynamodb emulator still running").to.equal(true);
    expect(await readStackFile(stateDir), "stack file left behind").to.equal(undefined);
  });
});
