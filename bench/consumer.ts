/**
 * The processing worker (dist/runtime/processing/main.js, run as the container runs it),
 * against kinesis-local and dynalite, each figure next to a baseline measured in the same
 * run:
 *
 *  1. Throughput: records/s of one worker through de-aggregation, the processor and
 *     checkpointing (a checkpoint after every batch), reading a backlog of KPL aggregates
 *     written by the real KinesisProducer (50,000 records of 100 B on 4 shards), from its
 *     first read to its last record processed; against a bare reader of the same stream
 *     (lib/bare-reader.mjs: GetRecords with the same client, limit and pacing, counting
 *     Kinesis records: no de-aggregation, no processor, no leases). The processor is
 *     lib/bench-processor.js with BENCH_INNER=count: it does nothing with the records and
 *     checkpoints as the default processor does, so the worker's own cost is measured. The
 *     emulator is slow at serving big aggregates, so wall times are mostly its; CPU per
 *     record (of the reading process alone) says what ours costs. Then the same workload
 *     in memory (lib/inmemory-consumer.mjs): the compiled ShardConsumer over prepared
 *     batches, with no emulator at all, per processor, against deaggregate() alone. Target:
 *     one core keeps up with what the shards can deliver (2 MiB/s each, in user records).
 *  2. Latency at a fixed rate (200 records/s for 20 s): from the producer's
 *     acknowledgement (what the ingest service's 200 answer waits for) to processRecords,
 *     p50/p99, for fan-out (a registered consumer), polling at the default POLL_IDLE_MS
 *     (1000) and at 200; one worker per mode, all reading the same records at the same
 *     time; against each other and against the producer's own put-to-ack latency. Bound on
 *     p99: the longest wait for the next read by design (POLL_IDLE_MS; for fan-out the
 *     emulator's once-a-second push, AWS pushes as records come) + 150 ms.
 *  3. Failover after kill -9, two workers on 4 shards, FAILOVER_MS 3000 and 10000 (side by
 *     side, each its own lease table): from the kill to the survivor holding every shard
 *     (the lease table, read every 50 ms) and to its first record processed on a shard it
 *     took over; against FAILOVER_MS (bound: FAILOVER_MS + FAILOVER_MS / 3). The table is
 *     watched from before the kill, so the victim's last write (when a peer last saw it
 *     alive) is shown too: from it to the takeover is what the lease protocol controls.
 *
 * Every process is its own plain node (workers, producer, bare reader, in-memory runs, the
 * emulators), stopped at the end, on Ctrl-C, or by the lifeline guard if this one dies.
 *
 *   npm run build && node -r ts-node/register/transpile-only bench/consumer.ts [--json] [--help]
 */
import { STREAM_LIMITS } from "../runtime/stream/limits";
import { LocalStream } from "../runtime/local/stream-setup";
import { parseArgs } from "./lib/args";
import { assertBuilt } from "../tests/harness/built";
import { runMain } from "./lib/cleanup";
import { FailoverResult, failoverRun } from "./lib/consumer-failover";
import { LatencyResult, latencyRun, ModeSpec } from "./lib/consumer-latency";
import { ask, ConsumerStack } from "./lib/consumer-stack";
import {
  bareRun,
  inMemoryRuns,
  InMemoryResult,
  ReadRun,
  workerRun,
  writeBacklog,
  Written,
} from "./lib/consumer-throughput";
import { atLeast, atMost, Cell, fmt, median, note, output, table, Target, verdict } from "./lib/report";

const { json, flags } = parseArgs("usage: node -r ts-node/register/transpile-only bench/consumer.ts [--json]", {
  records: { default: 50_000, help: "user records of the throughput backlog (emulator and in memory); 0 skips" },
  bytes: { default: 100, help: "data bytes per user record" },
  shards: { default: 4, help: "shards of each stream" },
  rounds: { default: 1, help: "throughput rounds against the emulator (bare reader and worker take turns)" },
  "logging-run": { default: 0, help: "1: also run the worker with the logging processor at info on the emulator" },
  "memory-rounds": { default: 5, help: "in-memory runs per variant, after a first (cold) one; 0 skips" },
  rate: { default: 200, help: "latency: records per second" },
  duration: { default: 20, help: "latency: seconds of writing; 0 skips the latency runs" },
  "poll-idle-small": { default: 200, help: "latency: the smaller POLL_IDLE_MS (allowed: 200 and up)" },
  "failover-short": { default: 3000, help: "failover: the first FAILOVER_MS; 0 skips it" },
  "failover-long": { default: 10_000, help: "failover: the second FAILOVER_MS; 0 skips it" },
  "failover-rate": { default: 100, help: "failover: records per second flowing meanwhile" },
  "failover-checkpoint": { default: 1000, help: "failover: CHECKPOINT_INTERVAL_MS of the workers" },
});

/** The worker's GetRecords limit (MAX_RECORDS default); the bare reader and in-memory batches use it too. */
const MAX_RECORDS = 10_000;
const DEFAULT_POLL_IDLE_MS = 1000;
/** What kinesis-local does with a subscription: it pushes an event once a second (AWS: as records come). */
const EMULATOR_PUSH_MS = 1000;
/** Allowance on top of a bound by design, for a GetRecords round trip and a busy 2-core machine. */
const MARGIN_MS = 150;
/** Time from taking a lease to its first processRecords: GetShardIterator, GetRecords, processing. */
const FIRST_READ_MS = 250;
/** How late the benchmark may see a takeover: one 50 ms pause between table reads and the Scan. */
const WATCH_MS = 100;

interface Figure {
  figure: string;
  value: number;
  text: string;
  target?: Target;
}

interface Throughput {
  written: Written;
  rounds: ReadRun[][];
  bare: ReadRun;
  worker: ReadRun;
  logging?: ReadRun;
  /** Median over rounds of worker/bare records/s, and of worker/bare CPU per record. */
  speedRatio: number;
  cpuRatio: number;
  /** Worker CPU per record minus the bare reader's: what the worker adds on top of reading. */
  addedUsPerRecord: number;
  /** User records per second that `shards` shards can deliver at 2 MiB/s each. */
  readLimit: number;
}

async function throughput(stack: ConsumerStack): Promise<Throughput> {
  const stream = await stack.createStream(flags.shards);
  note(`throughput: writing ${flags.records} records of ${flags.bytes} B with the KinesisProducer...`);
  const written = await writeBacklog(stack, stream, flags.records, flags.bytes);
  note(`  ${written.kinesisRecords} Kinesis records in ${written.putRecordsCalls} PutRecords calls, ${written.ms} ms`);
  const contenders: (() => Promise<ReadRun>)[] = [
    () => bareRun(stack, stream, written, MAX_RECORDS),
    () => workerRun(stack, stream, written, "count", "warn"),
    ...(flags["logging-run"] ? [() => workerRun(stack, stream, written, "logging", "info")] : []),
  ];
  const rounds: ReadRun[][] = [];
  for (let round = 0; round < flags.rounds; round++) {
    const order = contenders.map((_, i) => i);
    if (round % 2) order.reverse();
    const runs: ReadRun[] = [];
    for (const i of order) {
      note(`throughput round ${round + 1}/${flags.rounds}: ${i === 0 ? "bare reader" : "worker"} (${i})...`);
      runs[i] = await contenders[i]();
    }
    rounds.push(runs);
  }
  const pick = (i: number) => {
    const runs = rounds.map((r) => r[i]);
    return [...runs].sort((a, b) => a.wallMs - b.wallMs)[(runs.length - 1) >> 1];
  };
  const bytesPerRecord = written.storedBytes / written.userRecords;
  return {
    written,
    rounds,
    bare: pick(0),
    worker: pick(1),
    logging: flags["logging-run"] ? pick(2) : undefined,
    speedRatio: median(rounds.map((r) => r[1].recordsPerSecond / r[0].recordsPerSecond)),
    cpuRatio: median(rounds.map((r) => r[1].cpuUsPerRecord / r[0].cpuUsPerRecord)),
    addedUsPerRecord: median(rounds.map((r) => r[1].cpuUsPerRecord - r[0].cpuUsPerRecord)),
    readLimit: (flags.shards * STREAM_LIMITS.shardEgressBytesPerSecond) / bytesPerRecord,
  };
}

async function latency(stack: ConsumerStack): Promise<LatencyResult> {
  const stream = await stack.createStream(flags.shards);
  const small = flags["poll-idle-small"];
  const modes: ModeSpec[] = [
    {
      name: "fan-out (SubscribeToShard)",
      settings: { RETRIEVAL_MODE: "fanout" },
      boundMs: EMULATOR_PUSH_MS + MARGIN_MS,
      boundWhy: "kinesis-local pushes once a second",
    },
    {
      name: `polling, POLL_IDLE_MS=${DEFAULT_POLL_IDLE_MS} (default)`,
      settings: { RETRIEVAL_MODE: "polling" },
      boundMs: DEFAULT_POLL_IDLE_MS + MARGIN_MS,
      boundWhy: "one idle wait, then a read",
    },
    {
      name: `polling, POLL_IDLE_MS=${small}`,
      settings: { RETRIEVAL_MODE: "polling", POLL_IDLE_MS: String(small) },
      boundMs: Math.max(200, small) + MARGIN_MS,
      boundWhy: "one idle wait, then a read",
    },
  ];
  return latencyRun(stack, stream, modes, { rate: flags.rate, durationS: flags.duration, bytes: flags.bytes });
}

async function failover(stack: ConsumerStack): Promise<FailoverResult[]> {
  const values = [flags["failover-short"], flags["failover-long"]].filter((v) => v > 0);
  const stream: LocalStream = await stack.createStream(flags.shards);
  const producer = await stack.startProducer(stream);
  const flowing = ask(
    producer,
    { type: "paced", rate: flags["failover-rate"], durationS: 3600, bytes: flags.bytes },
    "acks",
    3_600_000,
  );
  flowing.catch(() => undefined);
  try {
    note(`failover: FAILOVER_MS ${values.join(" and ")} side by side, ${flags["failover-rate"]} records/s flowing...`);
    return await Promise.all(values.map((ms) => failoverRun(stack, stream, ms, flags["failover-checkpoint"])));
  } finally {
    producer.send({ type: "stop" });
    await Promise.race([flowing.catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
    await producer.stop();
  }
}

const ms = (v: number) => `${fmt(v)} ms`;
const x = (v: number) => `${v.toFixed(2)}x`;
const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

function throughputTables(t: Throughput, figures: Figure[]): string[] {
  const { written } = t;
  const row = (r: ReadRun): Cell[] => [
    r.reader,
    r.recordsPerSecond,
    r.wallMs,
    r.cpuMs,
    r.cpuUsPerRecord,
    r.emulatorCpuMs,
    r.calls,
    r.startMs ?? "-",
  ];
  const rows = [row(t.bare), row(t.worker), ...(t.logging ? [row(t.logging)] : [])];
  rows.push(["worker / bare reader", x(t.speedRatio), "", "", x(t.cpuRatio), "", "", ""]);
  figures.push(
    {
      figure: "emulator: worker records/s / bare reader's",
      value: t.speedRatio,
      text: `${pct(t.speedRatio)} (${fmt(t.worker.recordsPerSecond)} vs ${fmt(t.bare.recordsPerSecond)} records/s)`,
    },
    {
      figure: "emulator: worker CPU per record / bare reader's",
      value: t.cpuRatio,
      text: `${x(t.cpuRatio)} (${fmt(t.worker.cpuUsPerRecord)} vs ${fmt(t.bare.cpuUsPerRecord)} us)`,
    },
    {
      figure: `emulator: worker's CPU on top of reading, records/s per core`,
      value: 1e6 / t.addedUsPerRecord,
      text: `${fmt(1e6 / t.addedUsPerRecord)} (${fmt(t.addedUsPerRecord)} us/record, cold process)`,
      target: atLeast(1e6 / t.addedUsPerRecord, t.readLimit),
    },
  );
  return [
    table(
      `throughput against kinesis-local: ${fmt(written.userRecords)} user records of ${flags.bytes} B as ` +
        `${written.kinesisRecords} KPL aggregates, ${flags.shards} shards, one reader; ` +
        `${flags.rounds === 1 ? "one round" : `median of ${flags.rounds} rounds`}\n` +
        "(wall: first read to last record counted/processed; CPU: the reading process's own; worker: " +
        "counting processor, checkpoint after every batch)",
      ["reader", "records/s", "wall ms", "CPU ms", "CPU us/record", "kinesis-local CPU ms", "calls", "start ms"],
      rows,
    ),
  ];
}

function inMemoryTable(results: InMemoryResult[], readLimit: number, figures: Figure[]): string {
  const floor = results.find((r) => r.variant === "deaggregate")!;
  const by = (v: string) => results.find((r) => r.variant === v);
  for (const v of ["count", "logging-info"]) {
    const r = by(v);
    if (!r) continue;
    figures.push({
      figure: `in memory: ${r.label}, records/s per core`,
      value: r.recordsPerCpuSecond,
      text: `${fmt(r.recordsPerCpuSecond)} (${fmt(r.cpuUsPerRecord)} us/record, ${x(r.cpuMs / floor.cpuMs)} deaggregate)`,
      target: atLeast(r.recordsPerCpuSecond, readLimit),
    });
  }
  const resumed = by("count-resumed");
  const fresh = by("count");
  const bare = by("count-no-decoder");
  if (bare && fresh)
    figures.push({
      figure: "in memory: with the schema decoder / without (plain records), CPU",
      value: fresh.cpuMs / bare.cpuMs,
      text: x(fresh.cpuMs / bare.cpuMs),
    });
  if (resumed && fresh)
    figures.push({
      figure: "in memory: resumed from a checkpoint / from TRIM_HORIZON, CPU",
      value: resumed.cpuMs / fresh.cpuMs,
      text: x(resumed.cpuMs / fresh.cpuMs),
    });
  return table(
    `in memory: the same workload through the compiled ShardConsumer (fake reader, instant lease writes, ` +
      `${flags.shards} shards at once), median of ${flags["memory-rounds"]} runs after a cold one; ` +
      `read limit of ${flags.shards} shards: ${fmt(readLimit)} records/s`,
    ["variant", "CPU us/record", "records/s per core", "/ deaggregate", "/ read limit"],
    results.map((r) => [
      r.label,
      r.cpuUsPerRecord,
      r.recordsPerCpuSecond,
      x(r.cpuMs / floor.cpuMs),
      x(r.recordsPerCpuSecond / readLimit),
    ]),
  );
}

function latencyTable(l: LatencyResult, figures: Figure[]): string {
  const rows: Cell[][] = [
    ["producer: put -> ack (baseline)", l.ack.p50, l.ack.p99, l.ack.max, "-", "-", "-", "-", "-", "-"],
  ];
  for (const m of l.modes) {
    const target = atMost(m.ackToProcessed.p99, m.boundMs, " ms");
    rows.push([
      m.name,
      m.ackToProcessed.p50,
      m.ackToProcessed.p99,
      m.ackToProcessed.max,
      `${fmt(m.putToProcessed.p50)} / ${fmt(m.putToProcessed.p99)}`,
      m.batches,
      m.batchIntervalMs,
      m.missing,
      `${target.text} (${m.boundWhy})`,
      verdict(target),
    ]);
    figures.push({
      figure: `latency, ${m.name}: ack -> processed p99`,
      value: m.ackToProcessed.p99,
      text: `${ms(m.ackToProcessed.p99)} (p50 ${ms(m.ackToProcessed.p50)})`,
      target: { text: target.text, met: target.met && m.missing === 0 },
    });
  }
  const [fanout, ...polling] = l.modes;
  for (const p of polling) {
    figures.push({
      figure: `latency: ${p.name} / fan-out, p50 and p99`,
      value: p.ackToProcessed.p99 / fanout.ackToProcessed.p99,
      text: `${x(p.ackToProcessed.p50 / fanout.ackToProcessed.p50)} and ${x(p.ackToProcessed.p99 / fanout.ackToProcessed.p99)}`,
    });
  }
  for (const m of l.modes) {
    figures.push({
      figure: `latency: ${m.name} / producer's put -> ack, p50 and p99`,
      value: m.ackToProcessed.p99 / l.ack.p99,
      text: `${x(m.ackToProcessed.p50 / l.ack.p50)} and ${x(m.ackToProcessed.p99 / l.ack.p99)}`,
    });
  }
  return table(
    `latency: ${l.rate} records/s for ${l.durationS} s (${fmt(l.acknowledged)} acknowledged, ${l.failed} failed), ` +
      "ms from the producer's ack to processRecords; each mode its own worker, same records, same time",
    [
      "path",
      "p50",
      "p99",
      "max",
      "put->processed p50/p99",
      "batches",
      "ms between batches/shard",
      "missing",
      "p99 bound",
      "verdict",
    ],
    rows,
  );
}

function failoverTable(results: FailoverResult[], figures: Figure[]): string {
  for (const r of results) {
    const bound = r.failoverMs + r.failoverMs / 3;
    figures.push(
      {
        figure: `failover ${r.failoverMs}: kill -> all shards held / FAILOVER_MS`,
        value: r.allHeldMs / r.failoverMs,
        text: `${x(r.allHeldMs / r.failoverMs)} (${ms(r.allHeldMs)})`,
        target: {
          text: `<= ${fmt(bound + WATCH_MS)} ms (F + F/3 + ${WATCH_MS} ms of table reads)`,
          met: r.allHeldMs <= bound + WATCH_MS,
        },
      },
      {
        figure: `failover ${r.failoverMs}: kill -> first record on a taken-over shard`,
        value: r.firstRecordMs,
        text: `${ms(r.firstRecordMs)} (${x(r.firstRecordMs / r.failoverMs)}; every shard ${ms(r.everyShardRecordMs)})`,
        target: {
          text: `<= ${fmt(bound + FIRST_READ_MS)} ms (F + F/3 + a first read)`,
          met: r.firstRecordMs <= bound + FIRST_READ_MS,
        },
      },
    );
  }
  return table(
    `failover after kill -9: 2 workers, ${flags.shards} shards, polling, records flowing, ` +
      `CHECKPOINT_INTERVAL_MS=${flags["failover-checkpoint"]}; ms after the kill (lease table read every 50 ms)`,
    [
      "FAILOVER_MS",
      "renew/take cycle",
      "balanced after",
      "shards taken",
      "all held",
      "/ F",
      "first record",
      "every shard's",
      "victim's last write",
      "last write -> held",
      "repeated / victim's",
    ],
    results.map((r) => [
      r.failoverMs,
      `${fmt(r.renewMs)} / ${fmt(r.takeMs)}`,
      r.balancedAfterMs,
      Object.values(r.takenAfterMs).map(fmt).join(", "),
      r.allHeldMs,
      x(r.allHeldMs / r.failoverMs),
      r.firstRecordMs,
      r.everyShardRecordMs,
      -r.lastWriteBeforeKillMs,
      `${fmt(r.lastWriteToHeldMs)} (${x(r.lastWriteToHeldMs / r.failoverMs)})`,
      `${r.repeated} / ${r.victimProcessed}`,
    ]),
  );
}

async function main(): Promise<void> {
  assertBuilt();
  const started = Date.now();
  note("starting kinesis-local and dynalite...");
  const stack = await ConsumerStack.start();
  let t: Throughput | undefined;
  let memory: { kinesisRecords: number; results: InMemoryResult[] } | undefined;
  let l: LatencyResult | undefined;
  let f: FailoverResult[] = [];
  try {
    if (flags.records > 0) {
      t = await throughput(stack);
      if (flags["memory-rounds"] > 0) {
        memory = await inMemoryRuns({
          records: flags.records,
          bytes: flags.bytes,
          shards: flags.shards,
          maxRecords: MAX_RECORDS,
          rounds: flags["memory-rounds"],
        });
      }
    }
    if (flags.duration > 0) l = await latency(stack);
    if (flags["failover-short"] > 0 || flags["failover-long"] > 0) f = await failover(stack);
  } finally {
    await stack.stop();
  }

  const figures: Figure[] = [];
  const tables: string[] = [
    [
      "Topology: every process is its own plain node: kinesis-local, dynalite, each processing worker",
      "(dist/runtime/processing/main.js with PROCESSOR_MODULE=bench/lib/bench-processor.js), the producer",
      "(the ingest service's KinesisProducer and settings), the bare reader, the in-memory runs.",
    ].join("\n"),
  ];
  if (t) tables.push(...throughputTables(t, figures));
  if (memory && t) tables.push(inMemoryTable(memory.results, t.readLimit, figures));
  if (l) tables.push(latencyTable(l, figures));
  if (f.length) tables.push(failoverTable(f, figures));
  tables.push(
    table(
      `figures (run took ${fmt((Date.now() - started) / 1000)} s)`,
      ["figure", "value", "target", "verdict"],
      figures.map((fig) => [fig.figure, fig.text, fig.target?.text ?? "-", verdict(fig.target)]),
    ),
  );
  output(
    json,
    {
      benchmark: "consumer",
      params: flags,
      throughput: t,
      inMemory: memory,
      latency: l,
      failover: f,
      figures: figures.map((fig) => ({
        figure: fig.figure,
        value: fig.value,
        text: fig.text,
        target: fig.target?.text,
        met: fig.target?.met,
      })),
    },
    tables,
  );
}

runMain(main);
