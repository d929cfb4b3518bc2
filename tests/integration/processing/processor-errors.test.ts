/**
 * A record processor that throws (tests/fixtures/throwing-processor.js, loaded through
 * PROCESSOR_MODULE as production loads a custom one): the worker logs the failure with the
 * shard and sequence numbers, retries the batch up to PROCESSOR_MAX_ATTEMPTS, and never
 * dies of it. A batch that fails on early attempts is processed; one that fails on every
 * attempt is skipped, logged as an error and counted, and the records after it go on.
 *
 * And a record the worker cannot hand over at all: a corrupt KPL aggregate (the magic bytes,
 * then garbage) goes to the dead-letter path (DEAD_LETTER_FILE) with its bytes and a reason,
 * is counted once (a dead letter, not also a skipped record), and the records around it are
 * processed.
 */
import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";

import { isCheckpointed } from "../../../runtime/processing/leases/lease";
import { pollUntil } from "../../../runtime/local/poll-until";
import { ConsumerProcess, LOG_LEVELS, LogLine } from "../../harness/consumer-process";
import { ConsumerTestbed } from "../../harness/consumer-testbed";
import { eventually } from "../../harness/eventually";
import { KPL_MAGIC } from "../../../runtime/stream/aggregation";
import { leasesByOwner, waitForLeases } from "../../harness/lease-views";
import { REPO_ROOT } from "../../harness/built";
import { WrittenRecord } from "../../harness/keyed-records";
import { readProcessed, recordKey, unprocessed, waitUntilProcessed } from "../../harness/processed-records";

const THROWING_PROCESSOR = path.join(REPO_ROOT, "tests", "fixtures", "throwing-processor.js");
const MAX_ATTEMPTS = 3;
const RETRYING = "processor failed on a batch; retrying";
const SKIPPING = "processor failed on a batch; skipping it";

const CORRUPT = Buffer.concat([KPL_MAGIC, Buffer.from("not a protobuf at all, and no MD5")]);

/** The lines of a JSON-lines file, or none while it does not exist yet. */
async function jsonLines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** A batch failure as the worker logs it. */
interface BatchFailure extends LogLine {
  shardId: string;
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  records: number;
  attempt: number;
  err: string;
}

function batchFailures(worker: ConsumerProcess, msg: string): BatchFailure[] {
  return worker.logLines().filter((line): line is BatchFailure => line.msg === msg);
}

/** True when the failed batch held this stored record. */
function heldIn(failure: BatchFailure, r: Pick<WrittenRecord, "shardId" | "sequenceNumber">): boolean {
  const seq = BigInt(r.sequenceNumber);
  return (
    r.shardId === failure.shardId &&
    BigInt(failure.firstSequenceNumber) <= seq &&
    seq <= BigInt(failure.lastSequenceNumber)
  );
}

describe("processing workers: a processor that throws, and a corrupt aggregate", function () {
  this.timeout(90_000);
  let testbed: ConsumerTestbed;

  before(async () => {
    testbed = await ConsumerTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  /** One worker with the throwing processor on a fresh 2-shard stream, holding both leases, and a writer. */
  async function start(throwing: Record<string, string>, maxAttempts = String(MAX_ATTEMPTS)) {
    const stream = await testbed.createStream(2);
    const app = testbed.newApplication();
    const file = testbed.processedFile("throwing");
    const worker = testbed.startWorker({
      stream,
      application: app,
      workerId: "worker-a",
      processedFile: file,
      settings: { PROCESSOR_MODULE: THROWING_PROCESSOR, PROCESSOR_MAX_ATTEMPTS: maxAttempts, ...throwing },
    });
    await waitForLeases(
      app.table,
      "worker-a to hold both leases",
      (l) => leasesByOwner(l).get("worker-a")?.length === 2,
      15_000,
    );
    const writer = await testbed.startWriter(stream, 10);
    return { worker, writer, file, stream, app };
  }

  it("logs each failure with shard and sequence numbers, retries the batch, and processes it", async () => {
    // Records 4, 8, ... of every key are refused on their first two attempts: the third works.
    const { worker, writer, file } = await start({ THROWING_PROCESSOR_EVERY: "4", THROWING_PROCESSOR_FAILURES: "2" });
    await writer.writeRounds(13);
    await waitUntilProcessed([file], writer.written, 30_000);

    const retries = batchFailures(worker, RETRYING);
    const refused = writer.written.filter((w) => w.n > 0 && w.n % 4 === 0);
    for (const r of refused) {
      const attempts = retries.filter((f) => heldIn(f, r)).map((f) => f.attempt);
      expect(attempts, `attempts logged for refused ${recordKey(r)}`).to.have.members([1, 2]);
    }
    for (const f of retries) {
      // The processor's error, naming the refused record, in a line that says where the batch is.
      const [, shardId, sequenceNumber] = /^refusing key-\d+#\d+ at (\S+) (\d+)\/\d+/.exec(f.err) ?? [];
      expect(shardId, f.err).to.equal(f.shardId);
      expect(heldIn(f, { shardId, sequenceNumber }), `${f.err} within the logged batch`).to.equal(true);
      expect(f.records, "records in the failed batch").to.be.above(0);
    }
    expect(batchFailures(worker, SKIPPING), "batches skipped").to.deep.equal([]);

    expect(await worker.stop("SIGTERM"), worker.output()).to.deep.equal({ code: 0, signal: null });
    expect(worker.metricTotal("RecordsSkipped"), "RecordsSkipped").to.equal(0);
    expect(worker.metricTotal("RecordsProcessed"), "RecordsProcessed").to.be.at.least(writer.written.length);
    console.log(
      `      ${retries.length} batch failures logged and retried; all ${writer.written.length} records processed`,
    );
  });

  it("skips a batch after PROCESSOR_MAX_ATTEMPTS failures, logs it as an error, counts it, and goes on", async () => {
    const { worker, writer, file } = await start({ THROWING_PROCESSOR_ALWAYS: "key-03#5" });
    await writer.writeRounds(10);
    const poison = writer.written.find((w) => recordKey(w) === "key-03#5")!;
    const skipped = await pollUntil(
      async () => {
        const [first] = batchFailures(worker, SKIPPING);
        if (!first) throw new Error("no batch skipped yet");
        return first;
      },
      { what: "a batch to be skipped", timeoutMs: 30_000 },
    );
    expect(skipped.level, "level of the skip").to.equal(LOG_LEVELS.error);
    expect(skipped.attempt, "attempts before the skip").to.equal(MAX_ATTEMPTS);
    expect(heldIn(skipped, poison), "the skipped batch holds key-03#5").to.equal(true);
    const tries = batchFailures(worker, RETRYING).filter((f) => heldIn(f, poison));
    expect(
      tries.map((f) => f.attempt),
      "attempts retried before the skip",
    ).to.deep.equal([1, 2]);

    // The records after it go on: everything outside the skipped batch is processed.
    await writer.writeRounds(5);
    const expected = writer.written.filter((w) => !heldIn(skipped, w));
    await waitUntilProcessed([file], expected, 30_000);
    const lost = unprocessed(writer.written, await readProcessed([file]));
    expect(lost.map(recordKey), "unprocessed records: exactly the skipped batch").to.have.members(
      writer.written.filter((w) => heldIn(skipped, w)).map(recordKey),
    );
    expect(worker.running, worker.output()).to.equal(true);
    expect(await worker.stop("SIGTERM"), worker.output()).to.deep.equal({ code: 0, signal: null });
    expect(batchFailures(worker, SKIPPING), "batches skipped").to.have.lengthOf(1);
    expect(worker.metricTotal("RecordsSkipped"), "RecordsSkipped").to.equal(skipped.records);
    console.log(
      `      a batch of ${skipped.records} records skipped after ${skipped.attempt} attempts; the rest processed`,
    );
  });

  it("does not checkpoint a batch still failing at SIGTERM: the next worker processes it", async () => {
    // Retried for ever (PROCESSOR_MAX_ATTEMPTS=0): the batch holding key-03#5 is never processed by worker-a.
    const { worker, writer, file, stream, app } = await start({ THROWING_PROCESSOR_ALWAYS: "key-03#5" }, "0");
    await writer.writeRounds(10);
    const poison = writer.written.find((w) => recordKey(w) === "key-03#5")!;
    await pollUntil(
      async () => {
        if (!batchFailures(worker, RETRYING).some((f) => heldIn(f, poison) && f.attempt >= 2))
          throw new Error("not retried twice yet");
      },
      { what: "worker-a to retry the batch holding key-03#5", timeoutMs: 30_000 },
    );
    expect(await worker.stop("SIGTERM"), worker.output()).to.deep.equal({ code: 0, signal: null });
    const lease = (await app.table.list()).find((l) => l.leaseKey === poison.shardId)!;
    expect(
      isCheckpointed(lease.checkpoint, poison.sequenceNumber, poison.subSequenceNumber ?? 0),
      "the shutdown checkpoint covers the batch that was never processed",
    ).to.equal(false);

    // The next worker, with the default processor, resumes from that checkpoint: nothing is lost.
    testbed.startWorker({ stream, application: app, workerId: "worker-b", processedFile: file });
    await waitUntilProcessed([file], writer.written, 30_000);
  });

  it("sends a corrupt aggregate to the dead letters with its bytes, counts it once, and processes the records around it", async () => {
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
