/**
 * A corrupt KPL aggregate (the magic bytes, then garbage) among good records: the worker
 * sends it, with its bytes and a reason, to the dead-letter path (DEAD_LETTER_FILE), counts
 * it once (a dead letter, not also a skipped record), and processes the records around it.
 */
import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ConsumerTestbed } from "../harness/consumer-testbed";
import { eventually } from "../harness/eventually";
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
    const worker = testbed.startWorker({
      stream,
      application: app,
      workerId: "worker-a",
      processedFile: file,
      settings: { DEAD_LETTER_FILE: deadLetterFile, METRICS_INTERVAL_MS: "1000" },
    });
    const put = (data: Buffer, key: string) =>
      testbed.kinesis.send(new PutRecordCommand({ StreamName: stream.streamName, PartitionKey: key, Data: data }));
    await put(Buffer.from("before"), "a");
    const corrupt = await put(CORRUPT, "b");
    await put(Buffer.from("after"), "c");

    const processed = await eventually(
      async () => {
        const data = (await jsonLines(file)).map((r) => r.data).sort();
        return data.length >= 2 && data;
      },
      { what: "both good records to be processed", timeoutMs: 30_000, intervalMs: 200, process: worker },
    );
    expect(processed).to.deep.equal(["after", "before"]);
    const letters = await jsonLines(deadLetterFile);
    expect(letters).to.have.length(1);
    expect(letters[0]).to.deep.include({
      sequenceNumber: corrupt.SequenceNumber,
      partitionKey: "b",
      data: CORRUPT.toString("base64"),
    });
    expect(letters[0].reason).to.match(/^corrupt aggregated record: /);
    expect(letters[0].shardId).to.equal("shardId-000000000000");
    await eventually(() => worker.metricTotal("DeadLetters") >= 1, {
      what: "the worker's metrics to count the dead letter",
      timeoutMs: 10_000,
      process: worker,
    });
    expect(worker.metricTotal("DeadLetters")).to.equal(1);
    expect(worker.metricTotal("RecordsSkipped")).to.equal(0);
  });
});
