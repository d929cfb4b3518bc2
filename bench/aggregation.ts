/**
 * Aggregation efficiency: how many Kinesis records and PutRecords calls 10,000 user records
 * of 100 B (random partition keys, 4 shards) cost with our producer (KPL aggregation per
 * shard) against a naive producer (one Kinesis record per user record, 500 per call),
 * measured in the same run. Target: at least 100x fewer Kinesis records.
 *
 * Twice: against the in-memory FakeKinesis, where counts are all that matter and the wall
 * time is our own CPU cost alone; and against kinesis-local, where the wall time is mostly
 * the emulator's (its per-entry cost is what aggregation saves), reported apart from ours.
 *
 *   node -r ts-node/register/transpile-only bench/aggregation.ts [--json] [--help]
 */
import { routingKeyOf } from "../runtime/stream/hash-key";
import { FakeKinesis } from "../tests/harness/fake-kinesis";
import { parseArgs } from "./lib/args";
import { runMain } from "./lib/cleanup";
import { startLocalKinesis } from "./lib/emulator";
import { ProducerRun, runNaive, runOurs } from "./lib/producer-run";
import { userRecords } from "./lib/records";
import { atLeast, Cell, note, output, table, Target, verdict } from "./lib/report";

const TARGET_RECORD_RATIO = 100;

const { json, flags } = parseArgs("usage: node -r ts-node/register/transpile-only bench/aggregation.ts [--json]", {
  records: { default: 10_000, help: "user records per run against the in-memory fake" },
  "emulator-records": { default: 10_000, help: "user records per run against kinesis-local; 0 skips it" },
  bytes: { default: 100, help: "data bytes per user record" },
  shards: { default: 4, help: "shards of the stream" },
  rounds: { default: 5, help: "timed runs per producer against the fake (median reported)" },
});

interface Comparison {
  backend: string;
  naive: ProducerRun;
  ours: ProducerRun;
}

/** Every user record came out of the fake, each stored on the shard its own hash key maps to. */
function checkStored(fake: FakeKinesis, expected: number): void {
  const stored = fake.userRecords();
  const misplaced = stored.filter((r) => fake.shards.shardFor(routingKeyOf(r))?.shardId !== r.shardId).length;
  if (stored.length !== expected || misplaced > 0) {
    throw new Error(`fake holds ${stored.length} of ${expected} user records, ${misplaced} on the wrong shard`);
  }
}

async function againstFake(): Promise<Comparison> {
  const records = userRecords(flags.records, flags.bytes);
  const naive: ProducerRun[] = [];
  const ours: ProducerRun[] = [];
  // Round 0 warms the JIT and is not kept; the order alternates so neither producer always
  // runs on a heap the other just filled.
  for (let round = 0; round <= flags.rounds; round++) {
    const pair = [
      async () => naive.push(await runNaive(new FakeKinesis(flags.shards), records)),
      async () => {
        const fake = new FakeKinesis(flags.shards);
        ours.push(await runOurs(fake, records));
        if (round === 0) checkStored(fake, records.length);
      },
    ];
    if (round % 2) pair.reverse();
    for (const run of pair) await run();
    if (round === 0) {
      naive.pop();
      ours.pop();
    }
  }
  // The run with the median wall time, whole, so its backend and producer shares add up.
  const byMedianWall = (runs: ProducerRun[]) => [...runs].sort((a, b) => a.wallMs - b.wallMs)[(runs.length - 1) >> 1];
  return { backend: "FakeKinesis (in memory)", naive: byMedianWall(naive), ours: byMedianWall(ours) };
}

async function againstEmulator(): Promise<Comparison> {
  note(`starting kinesis-local with a ${flags.shards}-shard stream...`);
  const local = await startLocalKinesis(flags.shards);
  try {
    // The emulator is slow on its first calls (its own JIT): one untimed naive batch first.
    await runNaive(local.port, userRecords(500, flags.bytes));
    const records = userRecords(flags["emulator-records"], flags.bytes);
    note(`kinesis-local: our producer, ${records.length} records...`);
    const ours = await runOurs(local.port, records);
    note(`kinesis-local: naive producer, ${records.length} records (about 1,100 entries/s)...`);
    const naive = await runNaive(local.port, records);
    return { backend: "kinesis-local", naive, ours };
  } finally {
    await local.stop();
  }
}

function comparisonTable(c: Comparison, wallNote: string): string {
  const row = (name: string, r: ProducerRun): Cell[] => [
    name,
    r.kinesisRecords,
    r.putRecordsCalls,
    r.userRecords / r.kinesisRecords,
    r.bytes / 1024,
    r.wallMs,
    r.busyMs,
    r.wallMs - r.busyMs,
  ];
  const { naive, ours } = c;
  return table(
    `${c.backend}: ${ours.userRecords.toLocaleString("en-US")} user records of ${flags.bytes} B, random keys, ${flags.shards} shards (${wallNote})`,
    [
      "producer",
      "Kinesis records",
      "PutRecords calls",
      "user rec/Kinesis rec",
      "KiB sent",
      "wall ms",
      "backend ms",
      "producer ms",
    ],
    [
      row("naive (1 per record, 500/call)", naive),
      row("ours (KPL aggregation per shard)", ours),
      [
        "naive / ours",
        `${(naive.kinesisRecords / ours.kinesisRecords).toFixed(0)}x`,
        `${(naive.putRecordsCalls / ours.putRecordsCalls).toFixed(1)}x`,
        "",
        `${(naive.bytes / ours.bytes).toFixed(2)}x`,
        `${(naive.wallMs / ours.wallMs).toFixed(2)}x`,
        "",
        "",
      ],
    ],
  );
}

async function main(): Promise<void> {
  note(`aggregation: ${flags.records} records against FakeKinesis, ${flags.rounds} rounds...`);
  const comparisons = [await againstFake()];
  if (flags["emulator-records"] > 0) comparisons.push(await againstEmulator());

  const figures: { figure: string; value: number; unit: string; target?: Target }[] = [];
  for (const c of comparisons) {
    const recordRatio = c.naive.kinesisRecords / c.ours.kinesisRecords;
    figures.push(
      {
        figure: `Kinesis records, naive / ours [${c.backend}]`,
        value: recordRatio,
        unit: "x",
        target: atLeast(recordRatio, TARGET_RECORD_RATIO, "x"),
      },
      {
        figure: `PutRecords calls, naive / ours [${c.backend}]`,
        value: c.naive.putRecordsCalls / c.ours.putRecordsCalls,
        unit: "x",
      },
      { figure: `wall time, ours / naive [${c.backend}]`, value: c.ours.wallMs / c.naive.wallMs, unit: "" },
    );
  }
  const tables = [
    comparisonTable(
      comparisons[0],
      `median of ${flags.rounds} runs; backend = the fake's own in-memory work while a PutRecords call is in flight`,
    ),
    ...(comparisons[1]
      ? [comparisonTable(comparisons[1], "one run; backend = a PutRecords call in flight: the emulator's cost")]
      : []),
    table(
      "figures",
      ["figure", "value", "target", "verdict"],
      figures.map((f) => [
        f.figure,
        `${f.value.toFixed(f.value >= 10 ? 0 : 3)}${f.unit}`,
        f.target?.text ?? "-",
        verdict(f.target),
      ]),
    ),
  ];
  output(
    json,
    {
      benchmark: "aggregation",
      params: flags,
      comparisons,
      figures: figures.map((f) => ({ ...f, target: f.target?.text, met: f.target?.met })),
    },
    tables,
  );
}

runMain(main);
