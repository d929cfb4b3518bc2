/**
 * Ingest throughput: the ingest HTTP service against a bare HTTP server that only reads the
 * body and answers {}, under the same load generator (autocannon, its own process), the
 * same connections and duration, on the same machine, in the same run. Targets:
 *
 *   - buffered mode (202 at once), single-record POSTs: requests/s >= 60% of the bare server's;
 *   - durable mode (200 once stored), 256 connections: p99 <= RecordMaxBufferedTime + 150 ms;
 *   - /batch POSTs: user records/s (no target; printed against the bare server's).
 *
 * Servers take turns in short rounds (see lib/rotation.ts), and every ratio is taken per
 * round, so the drifting background load of a shared machine hits both sides alike.
 *
 * Where the service writes to: kinesis-local takes about 1,100 entries/s and would measure
 * itself, so the main runs use the service's own code (ingestApi + KinesisProducer, set up
 * from the same environment variables) over an in-memory Kinesis that answers PutRecords in
 * 20-40 ms, like AWS. One last run starts the real service (dist/runtime/ingest/main.js,
 * `npm run build` first) against kinesis-local, for the end-to-end figure with the
 * emulator's cost shown (its latency in the ack time, its CPU on this 2-core machine).
 *
 *   node -r ts-node/register/transpile-only bench/ingest-throughput.ts [--json] [--help]
 */
import { KPL_DEFAULTS } from "../runtime/ingest/defaults";
import { parseArgs } from "./lib/args";
import { assertBuilt } from "../tests/harness/built";
import { runMain } from "./lib/cleanup";
import { cpuSecondsOf } from "./lib/cpu";
import { startLocalKinesis } from "./lib/emulator";
import { jsonEvent } from "./lib/records";
import { atLeast, atMost, Cell, fmt, note, output, table, Target, verdict } from "./lib/report";
import { Contender, limitedBy, rotation, roundRatio, Run, stopService, Workload } from "./lib/rotation";
import { startBare, startInMemoryService, startRealService } from "./lib/servers";

const TARGET_BUFFERED_RATIO = 0.6;
const TARGET_P99_MS = KPL_DEFAULTS.recordMaxBufferedTimeMs + 150;
/** Per-shard write limit of Kinesis, to flag runs that real shards would throttle. */
const SHARD_MIB_PER_SECOND = 1;

const { json, flags } = parseArgs(
  "usage: node -r ts-node/register/transpile-only bench/ingest-throughput.ts [--json]",
  {
    duration: { default: 2, help: "seconds of each measured round" },
    rounds: { default: 3, help: "rounds per scenario, servers compared taking turns (ABC, CBA, ABC...)" },
    warmup: { default: 0.5, help: "seconds of untimed warm-up before a server's first round" },
    connections: { default: 256, help: "connections for single-record runs (durable target is at 256)" },
    "batch-connections": {
      default: 32,
      help: "connections for /batch runs (x batch-size must stay under 20,000 pending)",
    },
    "batch-size": { default: 500, help: "records per /batch request" },
    "record-bytes": { default: 100, help: "bytes of each record's JSON data" },
    shards: { default: 4, help: "shards of the stream (in-memory and emulator)" },
    "put-latency-min": { default: 20, help: "in-memory Kinesis: least ms per PutRecords call" },
    "put-latency-max": { default: 40, help: "in-memory Kinesis: most ms per PutRecords call" },
    breakdown: {
      default: 1,
      help: "1: also measure a bare fastify app and the service with its producer stubbed (where the cost goes)",
    },
    emulator: { default: 1, help: "1: end with the real service against kinesis-local; 0 skips it" },
    "durable-duration": { default: 4, help: "seconds of the one durable single-record run (p99 target)" },
    "e2e-duration": { default: 3, help: "seconds of the one end-to-end run against kinesis-local" },
  },
);

const event = jsonEvent(flags["record-bytes"]);
/** A stored record: data, a random UUID partition key, and a few bytes of aggregation framing. */
const STORED_RECORD_BYTES = Buffer.byteLength(JSON.stringify(event)) + 36 + 8;
const LATENCY: [number, number] = [flags["put-latency-min"], flags["put-latency-max"]];
const IN_MEMORY = `in memory, ${LATENCY.join("-")} ms/call`;
const BATCH = `/batch of ${flags["batch-size"]}`;

const ROUNDS = { rounds: flags.rounds, durationS: flags.duration, warmupS: flags.warmup };
const SINGLE: Workload = {
  path: "/",
  body: JSON.stringify({ data: event }),
  recordsPerRequest: 1,
  connections: flags.connections,
  ...ROUNDS,
};
const BATCHES: Workload = {
  path: "/batch",
  body: JSON.stringify({ records: Array.from({ length: flags["batch-size"] }, () => ({ data: event })) }),
  recordsPerRequest: flags["batch-size"],
  connections: flags["batch-connections"],
  ...ROUNDS,
};

/** The real service over kinesis-local: one short run, with the emulator's CPU measured too. */
async function endToEnd(): Promise<Run> {
  note(`starting kinesis-local with a ${flags.shards}-shard stream...`);
  const local = await startLocalKinesis(flags.shards);
  try {
    const server = await startRealService("durable", local.emulator.endpoint, local.streamName);
    const emulator: Contender = {
      scenario: "end to end: durable, real service + emulator",
      server,
      kinesis: "kinesis-local",
      mode: "durable",
      cpu: { emulator: () => cpuSecondsOf(local.emulator.pid) },
    };
    const [run] = await rotation([emulator], { ...SINGLE, rounds: 1, durationS: flags["e2e-duration"] });
    return await stopService(run, server);
  } finally {
    await local.stop();
  }
}

async function main(): Promise<void> {
  assertBuilt();
  if (flags["batch-connections"] * flags["batch-size"] > 20_000) {
    note("warning: batch-connections x batch-size is over the 20,000 pending records default: expect 503s");
  }
  note("starting the servers (each its own node process)...");
  const [bare, fastify, stubbed, buffered, durable, batch] = await Promise.all([
    startBare("http"),
    flags.breakdown ? startBare("fastify") : undefined,
    flags.breakdown ? startInMemoryService("buffered", flags.shards, LATENCY, "stub") : undefined,
    startInMemoryService("buffered", flags.shards, LATENCY),
    startInMemoryService("durable", flags.shards, LATENCY),
    startInMemoryService("durable", flags.shards, LATENCY),
  ]);

  const singles = await rotation(
    [
      { scenario: "bare node:http: single record", server: bare, kinesis: "-", mode: "bare" },
      ...(fastify && stubbed
        ? [
            { scenario: "bare fastify: single record", server: fastify, kinesis: "-", mode: "bare" as const },
            { scenario: "buffered, producer stubbed", server: stubbed, kinesis: "-", mode: "buffered" as const },
          ]
        : []),
      { scenario: "buffered: single record", server: buffered, kinesis: IN_MEMORY, mode: "buffered" },
    ],
    SINGLE,
  );
  const [bareSingle, bareFastify, apiOnly] = fastify ? singles : [singles[0], undefined, undefined];
  const ourBuffered = await stopService(singles[singles.length - 1], buffered);
  await Promise.all([fastify?.stop(), stubbed?.stop()]);

  // Alone, so one longer run (no turns to take): its latency is what counts.
  const [durableRun] = await rotation(
    [{ scenario: "durable: single record", server: durable, kinesis: IN_MEMORY, mode: "durable" }],
    { ...SINGLE, rounds: 1, durationS: flags["durable-duration"] },
  );
  const ourDurable = await stopService(durableRun, durable);

  const [bareBatch, batchRun] = await rotation(
    [
      { scenario: `bare node:http: ${BATCH}`, server: bare, kinesis: "-", mode: "bare" },
      { scenario: `durable: ${BATCH}`, server: batch, kinesis: IN_MEMORY, mode: "durable" },
    ],
    BATCHES,
  );
  await bare.stop();
  const ourBatch = await stopService(batchRun, batch);

  const e2e = flags.emulator ? await endToEnd() : undefined;
  const runs = [...singles, ourDurable, bareBatch, ourBatch, ...(e2e ? [e2e] : [])];

  /** A target is only met by a run with no failed requests: a fast 503 is not throughput. */
  const gated = (t: Target, r: Run): Target => ({ text: t.text, met: t.met && r.load.non2xx + r.load.errors === 0 });
  const ratioFigure = (figure: string, a: Run, b: Run, target?: (value: number) => Target) => {
    const r = roundRatio(a, b);
    const range = a.rounds.length > 1 ? ` (rounds ${pct(r.min)}-${pct(r.max)})` : "";
    return { figure, raw: r.median, value: `${pct(r.median)}${range}`, target: target?.(r.median) };
  };
  const figures: { figure: string; raw: number; value: string; target?: Target }[] = [
    ratioFigure("buffered req/s / bare node:http req/s", ourBuffered, bareSingle, (v) =>
      gated(atLeast(v * 100, TARGET_BUFFERED_RATIO * 100, "%"), ourBuffered),
    ),
    {
      figure: "bare node:http CPU per request / buffered's",
      raw: bareSingle.serverCpuUsPerRecord / ourBuffered.serverCpuUsPerRecord,
      value: pct(bareSingle.serverCpuUsPerRecord / ourBuffered.serverCpuUsPerRecord),
    },
    {
      figure: `durable p99 at ${flags.connections} connections`,
      raw: ourDurable.load.p99Ms,
      value: `${fmt(ourDurable.load.p99Ms)} ms (max ${fmt(ourDurable.load.maxMs)} ms)`,
      target: gated(atMost(ourDurable.load.p99Ms, TARGET_P99_MS, " ms"), ourDurable),
    },
    { figure: "durable p50", raw: ourDurable.load.p50Ms, value: `${fmt(ourDurable.load.p50Ms)} ms` },
    {
      figure: "durable req/s (closed loop: connections / latency)",
      raw: ourDurable.recordsPerSecond,
      value: fmt(ourDurable.recordsPerSecond),
    },
    {
      figure: `durable ${BATCH}: user records/s`,
      raw: ourBatch.recordsPerSecond,
      value: fmt(ourBatch.recordsPerSecond),
    },
    ratioFigure(`durable ${BATCH}: records/s / bare node:http's`, ourBatch, bareBatch),
    ...(bareFastify && apiOnly
      ? [
          ratioFigure("bare fastify req/s / bare node:http req/s", bareFastify, bareSingle),
          ratioFigure("buffered req/s / bare fastify req/s", ourBuffered, bareFastify),
          ratioFigure("producer stubbed req/s / bare node:http req/s", apiOnly, bareSingle),
          ratioFigure("buffered req/s / producer stubbed req/s", ourBuffered, apiOnly),
          {
            figure: "producer's CPU per record (buffered - stubbed)",
            raw: ourBuffered.serverCpuUsPerRecord - apiOnly.serverCpuUsPerRecord,
            value: `${fmt(ourBuffered.serverCpuUsPerRecord - apiOnly.serverCpuUsPerRecord)} us`,
          },
        ]
      : []),
    ...(e2e
      ? [
          {
            figure: "end to end (emulator), durable: req/s",
            raw: e2e.recordsPerSecond,
            value: `${fmt(e2e.recordsPerSecond)} (${pct(e2e.recordsPerSecond / ourDurable.recordsPerSecond)} of in-memory)`,
          },
          {
            figure: "end to end (emulator), durable: p50 / p99",
            raw: e2e.load.p99Ms,
            value: `${fmt(e2e.load.p50Ms)} / ${fmt(e2e.load.p99Ms)} ms`,
          },
        ]
      : []),
  ];

  const tables = [
    [
      "Topology: each server is its own plain-node process; autocannon is another (a core each, of 2).",
      `'${IN_MEMORY}' = the service's ingestApi + KinesisProducer and, in the same process, a Kinesis`,
      "stand-in answering PutRecords in that time: no emulator. 'kinesis-local' = the real service",
      "process (dist/runtime/ingest/main.js) writing over HTTP to the emulator, a third process.",
      "CPU: % of one core while measuring; 'other' = the rest of the machine (noise); 'limited by' =",
      "a process at >= 85% CPU, or the wait for acks.",
    ].join("\n"),
    table(
      `runs (${flags.rounds} rounds of ${flags.duration} s taking turns, durable single and end to end: one run; ` +
        `${flags["record-bytes"]} B records, ${flags.shards} shards)`,
      [
        "scenario",
        "Kinesis",
        "conns",
        "req/s",
        "records/s",
        "p50 ms",
        "p99 ms",
        "failed",
        "server CPU",
        "loadgen CPU",
        "other CPU",
        "server us/record",
        "limited by",
      ],
      runs.map((r): Cell[] => [
        r.scenario,
        r.kinesis,
        r.connections,
        r.load.okPerSecond,
        r.recordsPerSecond,
        r.load.p50Ms,
        r.load.p99Ms,
        failures(r),
        `${fmt(r.load.cpuPercent.server)}%`,
        `${fmt(r.load.cpuPercent["load generator"])}%`,
        `${fmt(r.load.cpuPercent.other)}%`,
        r.serverCpuUsPerRecord,
        limitedBy(r),
      ]),
    ),
    table(
      "what the service did (its EMF counters, warm-up included)",
      [
        "scenario",
        "user records",
        "Kinesis records",
        "PutRecords calls",
        "rec/Kinesis rec",
        "ack ms avg",
        "ack ms max",
        "MiB/s/shard est.",
        "expired",
      ],
      runs
        .filter((r) => r.service)
        .map((r): Cell[] => {
          const s = r.service!;
          const mibPerShard = (r.recordsPerSecond * STORED_RECORD_BYTES) / 2 ** 20 / flags.shards;
          return [
            r.scenario,
            s.userRecordsReceived,
            s.kinesisRecordsPut,
            s.putRecordsCalls,
            s.kinesisRecordsPut ? s.userRecordsAcknowledged / s.kinesisRecordsPut : 0,
            s.bufferingMsAverage,
            s.bufferingMsMax,
            `${fmt(mibPerShard)}${mibPerShard > SHARD_MIB_PER_SECOND ? " (AWS: over 1 MiB/s/shard)" : ""}`,
            s.recordsExpired,
          ];
        }),
    ),
    ...(e2e
      ? [
          `The emulator's cost end to end: kinesis-local used ${fmt(e2e.load.cpuPercent.emulator)}% of a core ` +
            `(service ${fmt(e2e.load.cpuPercent.server)}%, autocannon ${fmt(e2e.load.cpuPercent["load generator"])}%);\n` +
            `records waited ${fmt(e2e.service?.bufferingMsAverage ?? NaN)} ms on average for their ack, ` +
            `${fmt(ourDurable.service?.bufferingMsAverage ?? NaN)} ms with the in-memory Kinesis.`,
        ]
      : []),
    table(
      "figures (ratios: median of the per-round ratios)",
      ["figure", "value", "target", "verdict"],
      figures.map((f) => [f.figure, f.value, f.target?.text ?? "-", verdict(f.target)]),
    ),
  ];
  output(
    json,
    {
      benchmark: "ingest-throughput",
      params: flags,
      topology: {
        servers: "plain-node child processes, one per scenario",
        loadGenerator: "autocannon in its own plain-node child process",
        inMemoryKinesis: `a KinesisPort inside the server process, ${LATENCY.join("-")} ms per PutRecords call`,
        endToEnd: "dist/runtime/ingest/main.js writing to kinesis-local (a third process)",
      },
      runs,
      figures: figures.map((f) => ({ figure: f.figure, value: f.raw, target: f.target?.text, met: f.target?.met })),
    },
    tables,
  );
}

/** Failed requests, with their status codes ("3 (503: 2, errors: 1)"): a failure is never throughput. */
function failures(r: Run): string {
  const codes = Object.entries(r.load.statusCodes).filter(([code]) => !code.startsWith("2"));
  const parts = [...codes.map(([code, n]) => `${code}: ${n}`), ...(r.load.errors ? [`errors: ${r.load.errors}`] : [])];
  const total = r.load.non2xx + r.load.errors;
  return parts.length ? `${total} (${parts.join(", ")})` : String(total);
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

runMain(main);
