/**
 * A corrupt KPL aggregate (the magic bytes, then garbage) among good records: the worker
 * sends it, with its bytes and a reason, to the dead-letter path (DEAD_LETTER_FILE), and
 * processes the records before and after it.
 */
import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pollUntil } from "../../runtime/local/poll-until";
import { ConsumerTestbed } from "../harness/consumer-testbed";
import { KPL_MAGIC } from "../../runtime/kinesis/aggregation";

const CORRUPT = Buffer.concat([KPL_MAGIC, Buffer.from("not a protobuf at all, and no MD5")]);

/** The lines of a JSON-lines file, or none while it does not exist yet. */
async function jsonLines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("processing workers: a corrupt aggregate", function () {
  this.timeout(60_000);
  let testbed: ConsumerTestbed;

  before(async () => {
    testbed = await ConsumerTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("goes to the dead letters with its bytes; the records around it are processed", async () => {
    const stream = await testbed.createStream(1);
    const app = testbed.newApplication();
    const file = testbed.processedFile("dead-letters");
    const deadLetterFile = path.join(path.dirname(file), "dead-letters.jsonl");
    testbed.startWorker({
      stream,
      application: app,
      workerId: "worker-a",
      processedFile: file,
      settings: { DEAD_LETTER_FILE: deadLetterFile },
    });
    const put = (data: Buffer, key: string) =>
      testbed.kinesis.send(new PutRecordCommand({ StreamName: stream.streamName, PartitionKey: key, Data: data }));
    await put(Buffer.from("before"), "a");
    const corrupt = await put(CORRUPT, "b");
    await put(Buffer.from("after"), "c");

    await pollUntil(
      async () => expect((await jsonLines(file)).map((r) => r.data).sort()).to.deep.equal(["after", "before"]),
      { what: "both good records to be processed", timeoutMs: 30_000, intervalMs: 200 },
    );
    const letters = (await readFile(deadLetterFile, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(letters).to.have.length(1);
    expect(letters[0]).to.deep.include({
      sequenceNumber: corrupt.SequenceNumber,
      partitionKey: "b",
      data: CORRUPT.toString("base64"),
    });
    expect(letters[0].reason).to.match(/^corrupt aggregated record: /);
    expect(letters[0].shardId).to.equal("shardId-000000000000");
  });
});
