/**
 * The worker's CPU cost per record without the emulator: the compiled ShardConsumer, as
 * the coordinator builds it, fed by a fake ShardReader over batches prepared beforehand
 * (the real KinesisProducer's KPL aggregates of the same workload, captured in memory),
 * with a lease whose writes (checkpoints, release) are answered at once, and what else
 * main.ts hands a ShardConsumer (the schema decoder, if the build has one). Every shard runs
 * at once, in this one process, as in a worker; the time is CPU alone.
 *
 * Variants (processor and start), each timed over `rounds` runs after a first, cold run
 * (reported apart: a worker that starts on a backlog runs cold):
 *
 *  - "deaggregate": the library's deaggregate() over every Kinesis record, nothing else:
 *    the floor under any consumer of KPL records (the baseline of the ratios);
 *  - "count": ShardConsumer + a processor that does nothing but checkpoint every batch;
 *  - "count-no-decoder": the same without the schema decoder main.ts hands every consumer
 *    (skipped when the build has none): what the decoder costs on plain records;
 *  - "count-resumed": the same, started from a checkpoint (a shard taken over or restarted):
 *    every user record is then compared with the checkpoint before it is handed over;
 *  - "logging-warn", "logging-info", "logging-file": the default logging processor at
 *    LOG_LEVEL=warn (no line per record), at info (a JSON line per record, as deployed;
 *    written to /dev/null here), and at warn with PROCESSED_FILE (as `npm start` runs it).
 *
 * Run as a child by bench/consumer.ts: {type: "go", records, bytes, shards, maxRecords,
 * rounds, variants} answers {type: "results", kinesisRecords, results: [...]}.
 */
import { randomUUID } from "node:crypto";
import { Buffer } from "node:buffer";
import { performance } from "node:perf_hooks";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { deaggregate } from "../../dist/runtime/stream/aggregation.js";
import { HeldLease } from "../../dist/runtime/processing/leases/held-lease.js";
import { sequenceCheckpoint, TRIM_HORIZON } from "../../dist/runtime/processing/leases/lease.js";
import loggingProcessors from "../../dist/runtime/processing/logging-processor.js";
import { ShardConsumer } from "../../dist/runtime/processing/shard-consumer.js";
import {
  capturedKinesisRecords,
  countingProcessor,
  cpuMicros,
  fakeReader,
  instantTable,
  strictEvents,
} from "./inmemory-shard.mjs";

/**
 * What main.ts hands every ShardConsumer besides the processor, when the build has it: the
 * schema decoder (no registry configured: plain records pass through) and its dead letters.
 */
const decoderModule = await import("../../dist/runtime/processing/schema-decoder.js").catch(() => undefined);
const deadLettersModule = await import("../../dist/runtime/processing/dead-letters.js").catch(() => undefined);
function workerIntake() {
  if (!decoderModule || !deadLettersModule) return {};
  const deadLetters = new deadLettersModule.DeadLetters(() => {
    throw new Error("a record of the workload went to the dead letters");
  });
  // The intake main.ts hands each ShardConsumer (its sixth argument, a RecordIntake).
  return { decoder: new decoderModule.SchemaDecoder(deadLetters, undefined), deadLetters };
}
export const HAS_DECODER = decoderModule !== undefined;

/** The workload: `count` JSON records of `bytes` each, under random keys. */
function workload(count, bytes) {
  const pad = "x".repeat(bytes);
  return Array.from({ length: count }, (_, id) => {
    const head = JSON.stringify({ id, t: 0, pad: "" });
    const data = Buffer.from(head.replace('"pad":""', `"pad":"${pad.slice(0, Math.max(0, bytes - head.length))}"`));
    return { partitionKey: randomUUID(), data };
  });
}

function loggingProcessor(level, processedFile) {
  const log = pino(
    { level, base: { service: "processing", stream: "bench", worker: "w" } },
    pino.destination({ dest: "/dev/null", sync: true }),
  );
  const factory = loggingProcessors.default({ workerId: "w", log, processedFile, checkpointIntervalMs: 0 });
  return { records: () => NaN, factory };
}

async function consumeAll(shards, variant) {
  const file = path.join(tmpdir(), `bench-processed-${process.pid}.jsonl`);
  const processor =
    variant === "logging-warn"
      ? loggingProcessor("warn")
      : variant === "logging-info"
        ? loggingProcessor("info")
        : variant === "logging-file"
          ? loggingProcessor("warn", file)
          : countingProcessor();
  const consumers = shards.map(({ shardId, batches, resumeFrom }) => {
    const lease = new HeldLease(instantTable, {
      leaseKey: shardId,
      owner: "w",
      counter: 1,
      checkpoint: variant === "count-resumed" ? resumeFrom : TRIM_HORIZON,
      parentShardIds: [],
      ownerSwitchesSinceCheckpoint: 0,
    });
    const options = { processorMaxAttempts: 1, retryBaseMs: 1, retryMaxMs: 1 };
    const intake = variant === "count-no-decoder" ? {} : workerIntake();
    return new ShardConsumer(lease, fakeReader(batches), processor.factory(shardId), options, strictEvents, intake);
  });
  const endings = await Promise.all(consumers.map((c) => c.done));
  if (endings.some((e) => e !== "shard-ended")) throw new Error(`consumers ended ${endings.join(", ")}`);
  rmSync(file, { force: true });
  return processor.records();
}

function deaggregateAll(shards) {
  let users = 0;
  for (const { batches } of shards) for (const batch of batches) for (const r of batch) users += deaggregate(r).length;
  return users;
}

async function run({ records, bytes, shards, maxRecords, rounds, variants: asked }) {
  // Without a decoder in the build, "no decoder" is what every variant is already.
  const variants = asked.filter((v) => v !== "count-no-decoder" || HAS_DECODER);
  const byShard = await capturedKinesisRecords(workload(records, bytes), shards);
  const prepared = byShard.map(([shardId, list]) => {
    const batches = [];
    for (let i = 0; i < list.length; i += maxRecords) batches.push(list.slice(i, i + maxRecords));
    // Resumed just before the first record: nothing is skipped, every record is compared.
    const first = BigInt(list[0].sequenceNumber) - 1n;
    return { shardId, batches, resumeFrom: sequenceCheckpoint(String(first), 0) };
  });
  const kinesisCount = byShard.reduce((n, [, list]) => n + list.length, 0);
  const results = [];
  for (const variant of variants) {
    const times = [];
    let cold;
    for (let round = 0; round <= rounds; round++) {
      const wall0 = performance.now();
      const cpu0 = cpuMicros();
      const users = variant === "deaggregate" ? deaggregateAll(prepared) : await consumeAll(prepared, variant);
      const cpu = cpuMicros() - cpu0;
      const wallMs = performance.now() - wall0;
      if (!Number.isNaN(users) && users !== records) throw new Error(`${variant}: ${users} of ${records} records`);
      if (round > 0) times.push({ cpuMs: cpu / 1000, wallMs });
      else cold = { cpuMs: cpu / 1000, wallMs };
    }
    results.push({ variant, cold, runs: times });
  }
  return { type: "results", kinesisRecords: kinesisCount, results };
}

process.on("message", (message) => {
  if (message.type !== "go") return;
  run(message).then(
    (result) => process.send(result),
    (error) => process.send({ type: "error", error: String(error?.stack ?? error) }),
  );
});
process.send({ type: "ready" });
