/**
 * Records/s of one processing worker through de-aggregation, the processor and
 * checkpointing, against a bare reader of the same stream, both reading a backlog of KPL
 * aggregates (written beforehand by the real KinesisProducer) from kinesis-local; and the
 * worker's CPU cost per record without the emulator (lib/inmemory-consumer.mjs).
 */
import path from "node:path";
import { LocalStream } from "../../runtime/local/stream-setup";
import { ask, ConsumerStack } from "./consumer-stack";
import { cpuSecondsOf } from "./cpu";
import { Message, startIpcChild, waitFor } from "./children";
import { median, note } from "./report";

export interface ReadRun {
  reader: string;
  userRecords: number;
  kinesisRecords: number;
  /** From the first read (its GetShardIterator) to the last record counted or processed. */
  wallMs: number;
  recordsPerSecond: number;
  /** CPU of the reading process over the same span (its own process.cpuUsage). */
  cpuMs: number;
  cpuUsPerRecord: number;
  /** CPU of kinesis-local over the same span (from /proc, 10 ms ticks). */
  emulatorCpuMs: number;
  /** Worker only: from spawning the process to its first read (lease table, shard sync, takes). */
  startMs?: number;
  /** Worker: processRecords calls; bare reader: GetRecords calls. */
  calls: number;
}

export interface Written {
  userRecords: number;
  kinesisRecords: number;
  putRecordsCalls: number;
  /** Data and partition keys of every PutRecords entry (retries included), as Kinesis counts them. */
  storedBytes: number;
  ms: number;
}

/** The backlog: `records` user records of `bytes` through the real KinesisProducer. */
export function writeBacklog(
  stack: ConsumerStack,
  stream: LocalStream,
  records: number,
  bytes: number,
): Promise<Written> {
  return produce(stack, stream, { type: "bulk", count: records, bytes }, 120_000);
}

/** What the producer child writes for `order` (its header says which orders it takes), as it reports it. */
export async function produce(
  stack: ConsumerStack,
  stream: LocalStream,
  order: Message,
  timeoutMs: number,
): Promise<Written> {
  const producer = await stack.startProducer(stream);
  try {
    const w = await ask(producer, order, "written", timeoutMs);
    return {
      userRecords: Number(w.userRecords),
      kinesisRecords: Number(w.kinesisRecords),
      putRecordsCalls: Number(w.putRecordsCalls),
      storedBytes: Number(w.storedBytes),
      ms: Number(w.ms),
    };
  } finally {
    await producer.stop();
  }
}

/** `shardIds`: only these shards (the lake's end-to-end run: the ended ones holding the records, not their empty children). */
export async function bareRun(
  stack: ConsumerStack,
  stream: LocalStream,
  written: Written,
  maxRecords: number,
  shardIds?: string[],
) {
  const bare = await stack.startBareReader();
  try {
    const emulator0 = cpuSecondsOf(stack.emulators.kinesis.pid);
    const done = await ask(
      bare,
      {
        type: "go",
        endpoint: stack.emulators.kinesis.endpoint,
        streamName: stream.streamName,
        expected: written.kinesisRecords,
        maxRecords,
        shardIds,
      },
      "done",
      120_000,
    );
    const emulatorCpuMs = (cpuSecondsOf(stack.emulators.kinesis.pid) - emulator0) * 1000;
    const wallMs = Number(done.t1) - Number(done.t0);
    const cpuMs = (Number(done.cpu1) - Number(done.cpu0)) / 1000;
    const run: ReadRun = {
      reader: "bare reader (GetRecords, counts)",
      userRecords: written.userRecords,
      kinesisRecords: Number(done.records),
      wallMs,
      recordsPerSecond: (written.userRecords / wallMs) * 1000,
      cpuMs,
      cpuUsPerRecord: (cpuMs * 1000) / written.userRecords,
      emulatorCpuMs,
      calls: Number(done.calls),
    };
    return run;
  } finally {
    await bare.stop();
  }
}

export async function workerRun(
  stack: ConsumerStack,
  stream: LocalStream,
  written: Written,
  inner: "count" | "logging",
  logLevel: string,
) {
  const app = stack.newApplication("bench-throughput");
  const spawnedAt = Date.now();
  const worker = stack.startWorker(stream, app.applicationName, "throughput", {
    BENCH_INNER: inner,
    LOG_LEVEL: logLevel,
    // Every batch checkpointed: the most checkpointing the default processor does.
    CHECKPOINT_INTERVAL_MS: "0",
  });
  try {
    await waitFor(worker, (m) => m.type === "init", 30_000, "its first shard");
    const emulator0 = cpuSecondsOf(stack.emulators.kinesis.pid);
    let processed = 0;
    await waitFor(
      worker,
      (m) => m.type === "batch" && (processed += Number(m.n)) >= written.userRecords,
      120_000,
      `${written.userRecords} records processed`,
    );
    const emulatorCpuMs = (cpuSecondsOf(stack.emulators.kinesis.pid) - emulator0) * 1000;
    const inits = worker.messages().filter((m) => m.type === "init");
    const batches = worker.messages().filter((m) => m.type === "batch");
    const first = inits.reduce((a, b) => (Number(b.t) < Number(a.t) ? b : a));
    const last = batches.reduce((a, b) => (Number(b.t1) > Number(a.t1) ? b : a));
    const wallMs = Number(last.t1) - Number(first.t);
    const cpuMs = (Number(last.cpu) - Number(first.cpu)) / 1000;
    const run: ReadRun = {
      reader:
        inner === "count"
          ? "worker + counting processor"
          : `worker + default logging processor (LOG_LEVEL=${logLevel}${logLevel === "info" ? ", as deployed" : ""})`,
      userRecords: processed,
      kinesisRecords: written.kinesisRecords,
      wallMs,
      recordsPerSecond: (processed / wallMs) * 1000,
      cpuMs,
      cpuUsPerRecord: (cpuMs * 1000) / processed,
      emulatorCpuMs,
      startMs: Number(first.t) - spawnedAt,
      calls: batches.length,
    };
    return run;
  } finally {
    await worker.stop();
  }
}

export type InMemoryVariant =
  "deaggregate" | "count" | "count-no-decoder" | "count-resumed" | "logging-warn" | "logging-info" | "logging-file";

export const IN_MEMORY_VARIANTS: Record<InMemoryVariant, string> = {
  deaggregate: "deaggregate() alone (the floor)",
  count: "ShardConsumer + counting processor (as main.ts)",
  "count-no-decoder": "the same without the schema decoder",
  "count-resumed": "the same resumed from a checkpoint",
  "logging-warn": "ShardConsumer + logging processor, warn",
  "logging-info": "logging processor at info (as deployed)",
  "logging-file": "logging processor, warn + PROCESSED_FILE",
};

export interface InMemoryResult {
  variant: InMemoryVariant;
  label: string;
  /** Median of the measured runs (after a first, cold one). */
  cpuMs: number;
  wallMs: number;
  cpuUsPerRecord: number;
  /** User records per second of one core's CPU. */
  recordsPerCpuSecond: number;
  runs: { cpuMs: number; wallMs: number }[];
  cold: { cpuMs: number; wallMs: number };
}

export async function inMemoryRuns(options: {
  records: number;
  bytes: number;
  shards: number;
  maxRecords: number;
  rounds: number;
}): Promise<{ kinesisRecords: number; results: InMemoryResult[] }> {
  const child = startIpcChild({
    name: "in-memory consumer",
    script: path.join(__dirname, "inmemory-consumer.mjs"),
    env: {},
  });
  try {
    await waitFor(child, (m) => m.type === "ready", 30_000, "ready");
    note(`in memory: ShardConsumer over prepared batches, ${options.rounds} rounds per variant...`);
    const variants = Object.keys(IN_MEMORY_VARIANTS) as InMemoryVariant[];
    const answer: Message = await ask(child, { type: "go", ...options, variants }, "results", 120_000);
    const results = (
      answer.results as { variant: InMemoryVariant; runs: InMemoryResult["runs"]; cold: InMemoryResult["cold"] }[]
    ).map((r): InMemoryResult => {
      const cpuMs = median(r.runs.map((x) => x.cpuMs));
      return {
        variant: r.variant,
        label: IN_MEMORY_VARIANTS[r.variant],
        cpuMs,
        wallMs: median(r.runs.map((x) => x.wallMs)),
        cpuUsPerRecord: (cpuMs * 1000) / options.records,
        recordsPerCpuSecond: options.records / (cpuMs / 1000),
        runs: r.runs,
        cold: r.cold,
      };
    });
    return { kinesisRecords: Number(answer.kinesisRecords), results };
  } finally {
    await child.stop();
  }
}
