/**
 * The lake writer's rows/s per core into Parquet against the consumer's bare read rate, in
 * the same run (lib/lake-inmemory.mjs says how each is measured), and the objects a segment
 * makes under steady load with the roll settings' defaults.
 *
 *  1. Throughput, per workload (lib/lake-workload.ts: 100 B and 1 KB JSON records of NYC taxi
 *     trips to the generic table, and a trip with its schema to a typed table; 4 tenants): the same KPL aggregates, in GetRecords-sized batches, through the
 *     compiled ShardConsumer with a processor that only checkpoints ("read") and with the lake
 *     writer ("lake"), taking turns in one plain-node child. CPU from process.cpuUsage, so
 *     "per core" holds on a shared machine; the ratio is the median of the per-round ratios.
 *     Target: the lake keeps >= 0.9 of the read rate.
 *  2. End to end, on the same records (100 B and 1 KB; lib/lake-end-to-end.ts says how each
 *     side is timed): the stream in kinesis-local holds them, written by the real
 *     KinesisProducer; the compiled lake worker as deployed, writing to the local S3 server,
 *     against the consumer benchmark's bare reader (GetRecords and count) of the same stream.
 *     Rows/s of each from the first read to the last row (for the lake: stored in S3), the
 *     ratio, and each side's CPU per row, hence rows/s per core.
 *  3. Objects under steady load: one shard fed until the writer cuts a segment by size
 *     (LAKE_ROLL_BYTES' default, 64 MiB of record data): objects per segment, bytes and rows
 *     per object, rows per row group, as Athena will read them.
 *
 *   npm run bench:lake [-- --records 40000 --rounds 5 --json --help]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LAKE_DEFAULTS } from "../runtime/lake/contract";
import { ROW_GROUP_ROWS } from "../runtime/lake/parquet-object";
import { readTripFile } from "../runtime/replay/trip-file";
import { tripEvent } from "../runtime/replay/trip-event";
import { STREAM_LIMITS } from "../runtime/stream/limits";
import { assertBuilt, REPO_ROOT } from "../tests/harness/built";
import { parseArgs } from "./lib/args";
import { BenchChild, Message, startIpcChild, waitFor } from "./lib/children";
import { runMain } from "./lib/cleanup";
import { ask } from "./lib/consumer-stack";
import { EndToEndResult, lakeEndToEnd } from "./lib/lake-end-to-end";
import { LAKE_WORKLOADS, LakeWorkloadName, lakeUserRecords } from "./lib/lake-workload";
import { LakeObject, objectSizes } from "./lib/lake-objects";
import { ATHENA_OBJECT_BYTES, compactedHour, SteadyLoad } from "./lib/lake-compaction";
import { COMPACTION_DEFAULTS } from "../runtime/lake/compaction/compactor-contract";
import { atLeast, Cell, fmt, median, note, output, table, Target, verdict } from "./lib/report";

const { json, flags } = parseArgs("usage: npm run bench:lake [-- --json]", {
  records: { default: 40_000, help: "user records per workload in the throughput runs" },
  shards: { default: 4, help: "shards read at once" },
  tenants: { default: 4, help: "tenants taking turns in the records" },
  rounds: { default: 5, help: "timed rounds per workload (read and lake take turns), after a cold one" },
  "end-to-end-rounds": {
    default: 2,
    help: "end to end against kinesis-local: rounds of the bare reader and the lake worker per workload (0 skips)",
  },
  "segment-mib": {
    default: LAKE_DEFAULTS.rollBytes / 1024 / 1024,
    help: "objects run: the roll size in MiB (0 skips the run)",
  },
});

/** The trips the records are made of: the 2015 sample's first 5,000 rows, as the replay reads them. */
const TRIP_FILE = path.join(REPO_ROOT, "data", "nyc-taxi", "yellow_tripdata_2015-01_head.csv");
const TARGET_RATIO = 0.9;
/** The typed workload's schema, as the registry would hold its first version. */
const TAXI_SCHEMA = {
  schemaName: "taxi-trip",
  versionNumber: 1,
  schemaVersionId: "7a1e0000-0000-4000-8000-00000000a001",
  definition: readFileSync(path.join(REPO_ROOT, "schemas", "taxi-trip.json"), "utf8"),
};
const schemaOf = (w: LakeWorkloadName) => (LAKE_WORKLOADS[w].typed ? TAXI_SCHEMA : undefined);
const MIB = 1024 * 1024;

interface Run {
  cpuMs: number;
  wallMs: number;
}

interface WorkloadResult {
  workload: LakeWorkloadName;
  label: string;
  bytesPerRecord: number;
  kinesisRecords: number;
  batches: number;
  read: Run[];
  lake: Run[];
  cold: { read: Run; lake: Run };
  /** Rows per CPU second, medians over rounds. */
  readRate: number;
  lakeRate: number;
  /** Median of per-round lake rate / read rate. */
  ratio: number;
  /** The bare read plus each record's JSON parsed, nothing stored: the most any writer of JSON rows keeps. */
  parseRate: number;
  parseRatio: number;
  objects: LakeObject[];
}

/**
 * The workloads of the end-to-end run: the typed one would need the schema in a registry the
 * worker reads (SCHEMA_REGISTRY_FILE); its CPU per row is in the in-memory run.
 */
const END_TO_END_WORKLOADS: LakeWorkloadName[] = ["100B", "1KB"];

interface EndToEnd extends EndToEndResult {
  workload: LakeWorkloadName;
  bytesPerRecord: number;
}

interface SegmentResult {
  workload: LakeWorkloadName;
  records: number;
  /** Rows of the first segment, and its record data (rows x the workload's mean record). */
  rows: number;
  dataBytes: number;
  segments: number;
  cpuMs: number;
  /** Live heap and buffers the writer held when it stored the first segment. */
  heldBytes: number;
  objects: LakeObject[];
  /** Each tenant's objects of every segment, merged as the compactor merges a part. */
  merges: Merge[];
}

interface Merge {
  tenant: string;
  inputs: number;
  inputBytes: number;
  outputBytes: number;
  rows: number;
  cpuMs: number;
}

function workloadFile(dir: string, workload: LakeWorkloadName, count: number): string {
  const trips = readTripFile(TRIP_FILE).trips.map((t) => tripEvent(t.trip));
  const records = lakeUserRecords(workload, trips, count, flags.tenants);
  const file = path.join(dir, `${workload}.jsonl`);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
}

function meanTextBytes(file: string): number {
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  return lines.reduce((n, l) => n + Buffer.byteLength((JSON.parse(l) as { text: string }).text), 0) / lines.length;
}

async function throughput(child: BenchChild, dir: string, workload: LakeWorkloadName): Promise<WorkloadResult> {
  const file = workloadFile(dir, workload, flags.records);
  note(`${workload}: ${flags.records} records, ${flags.shards} shards, ${flags.rounds} rounds after a cold one...`);
  const answer: Message = await ask(
    child,
    {
      type: "go",
      file,
      records: flags.records,
      shards: flags.shards,
      rounds: flags.rounds,
      rollBytes: LAKE_DEFAULTS.rollBytes,
      rollSeconds: LAKE_DEFAULTS.rollSeconds,
      schema: schemaOf(workload),
    },
    "results",
    600_000,
  );
  const runs = answer.runs as { read: Run[]; lake: Run[]; parse: Run[] };
  const rate = (r: Run) => flags.records / (r.cpuMs / 1000);
  return {
    workload,
    label: LAKE_WORKLOADS[workload].label,
    bytesPerRecord: meanTextBytes(file),
    kinesisRecords: Number(answer.kinesisRecords),
    batches: Number(answer.batches),
    read: runs.read,
    lake: runs.lake,
    cold: answer.cold as { read: Run; lake: Run },
    readRate: median(runs.read.map(rate)),
    lakeRate: median(runs.lake.map(rate)),
    ratio: median(runs.lake.map((l, i) => rate(l) / rate(runs.read[i]))),
    parseRate: median(runs.parse.map(rate)),
    parseRatio: median(runs.parse.map((p, i) => rate(p) / rate(runs.read[i]))),
    objects: answer.objects as LakeObject[],
  };
}

async function segmentRun(child: BenchChild, dir: string, workload: LakeWorkloadName): Promise<SegmentResult> {
  const file = path.join(dir, `${workload}.jsonl`);
  const rollBytes = flags["segment-mib"] * MIB;
  // A cut comes after the GetRecords batch that reaches the roll size (up to 10 MiB more):
  // records for that and a next segment.
  const mean = meanTextBytes(file);
  const records = Math.ceil((rollBytes + 12 * MIB) / mean);
  note(`${workload}: one shard, ${fmt(records)} records, roll at ${flags["segment-mib"]} MiB...`);
  const answer = await ask(
    child,
    { type: "segment", file, records, rollBytes, rollSeconds: LAKE_DEFAULTS.rollSeconds, schema: schemaOf(workload) },
    "segment",
    900_000,
  );
  return {
    workload,
    records,
    rows: Number(answer.firstRows),
    dataBytes: Number(answer.firstRows) * mean,
    segments: Number(answer.segments),
    cpuMs: Number(answer.cpuMs),
    heldBytes: Number(answer.heldBytes),
    objects: answer.objects as LakeObject[],
    merges: answer.merges as Merge[],
  };
}

const x = (v: number) => `${v.toFixed(2)}x`;
const mib = (v: number) => `${(v / MIB).toFixed(1)} MiB`;

function throughputTable(results: WorkloadResult[], figures: { figure: string; text: string; target?: Target }[]) {
  const rows: Cell[][] = [];
  for (const r of results) {
    const readUs = 1e6 / r.readRate;
    const lakeUs = 1e6 / r.lakeRate;
    // What one shard can take in steady state (1 MiB/s of records), and how many such shards one core writes.
    const shardRows = STREAM_LIMITS.shardIngestBytesPerSecond / r.bytesPerRecord;
    rows.push([
      r.label,
      fmt(r.bytesPerRecord),
      r.readRate,
      r.lakeRate,
      readUs,
      lakeUs,
      x(r.ratio),
      x(r.parseRatio),
      r.lakeRate / shardRows,
    ]);
    const target = atLeast(r.ratio, TARGET_RATIO, "x");
    figures.push({
      figure: `${r.workload}: lake rows/s per core / bare read rate`,
      text: `${x(r.ratio)} (${fmt(r.lakeRate)} vs ${fmt(r.readRate)}; rounds ${r.lake
        .map((l, i) => (r.read[i].cpuMs / l.cpuMs).toFixed(2))
        .join(", ")})`,
      target,
    });
    figures.push({
      figure: `${r.workload}: read and JSON.parse each record, nothing stored / bare read rate`,
      text: `${x(r.parseRatio)} (${fmt(r.parseRate)} vs ${fmt(r.readRate)}; JSON.parse alone adds ${fmt(
        1e6 / r.parseRate - readUs,
      )} us per row): the most a writer that parses its rows can keep`,
    });
    figures.push({
      figure: `${r.workload}: lake CPU per row, what it adds to reading`,
      text: `${fmt(lakeUs - readUs)} us (${fmt(lakeUs)} vs ${fmt(readUs)} us)`,
    });
  }
  return table(
    `throughput in memory: ${fmt(flags.records)} records per workload, ${flags.shards} shards at once, ` +
      `${flags.tenants} tenants, the KinesisProducer's aggregates in GetRecords-sized batches; ` +
      `CPU of the process (process.cpuUsage), median of ${flags.rounds} rounds after a cold one`,
    [
      "workload",
      "B/record",
      "read rows/s/core",
      "lake rows/s/core",
      "read us/row",
      "lake us/row",
      "lake / read",
      "read+parse / read",
      "shards at 1 MiB/s per core",
    ],
    rows,
  );
}

function endToEndTable(results: EndToEnd[], figures: { figure: string; text: string; target?: Target }[]) {
  const rows: Cell[][] = [];
  for (const r of results) {
    const perCore = (us: number) => 1e6 / us;
    const lake = r.rounds.map((x) => x.lake);
    rows.push([
      LAKE_WORKLOADS[r.workload].label,
      `${fmt(r.written.userRecords)} / ${fmt(r.written.kinesisRecords)}`,
      r.bareRowsPerSecond,
      r.lakeRowsPerSecond,
      x(r.ratio),
      fmt(r.bareCpuUsPerRow),
      fmt(r.lakeCpuUsPerRow),
      perCore(r.bareCpuUsPerRow),
      perCore(r.lakeCpuUsPerRow),
      x(r.bareCpuUsPerRow / r.lakeCpuUsPerRow),
      fmt(median(lake.map((l) => l.s3CpuMs))),
      fmt(median(lake.map((l) => l.startMs))),
      `${fmt(lake[0].objects)}, ${mib(lake[0].parquetBytes)}`,
    ]);
    // No target here: against kinesis-local both sides wait mostly on the emulator's serving
    // (the bare reader uses a few percent of a core), so this ratio says how much of the
    // emulator's rate the lake keeps, not how fast it writes. The 0.9 target is read per core.
    figures.push({
      figure: `${r.workload}: end to end, lake rows/s / bare reader rows/s (wall)`,
      text: `${x(r.ratio)} (${fmt(r.lakeRowsPerSecond)} vs ${fmt(r.bareRowsPerSecond)}; rounds ${r.rounds
        .map((k) => k.ratio.toFixed(2))
        .join(", ")})`,
    });
    figures.push({
      figure: `${r.workload}: end to end, lake rows/s per core / bare reader's`,
      text: `${x(r.bareCpuUsPerRow / r.lakeCpuUsPerRow)} (${fmt(r.lakeCpuUsPerRow)} vs ${fmt(r.bareCpuUsPerRow)} us per row)`,
      target: atLeast(r.bareCpuUsPerRow / r.lakeCpuUsPerRow, TARGET_RATIO, "x"),
    });
  }
  return table(
    `end to end against kinesis-local: the workload's records (KinesisProducer aggregates, ${flags.tenants} tenants) ` +
      `on ${flags.shards} shards, ended by a reshard; the compiled lake worker writing to the local S3 server against ` +
      `the bare reader (GetRecords, counts); from the first read to the last row (lake: the newest object's mtime), ` +
      `median of ${flags["end-to-end-rounds"]} rounds; CPU: the reader's process.cpuUsage, the worker's /proc`,
    [
      "workload",
      "records / Kinesis records",
      "bare rows/s",
      "lake rows/s",
      "lake / bare",
      "bare us/row",
      "lake us/row",
      "bare rows/s/core",
      "lake rows/s/core",
      "per core, lake / bare",
      "S3 server CPU ms",
      "lake start ms",
      "objects, Parquet",
    ],
    rows,
  );
}

/** Steady loads a tenant's hour is sized under: a busy stream, a quarter of it, one quiet shard. */
const STEADY_LOADS: SteadyLoad[] = [
  { label: "4 shards at 1 MiB/s", shards: 4, bytesPerSecondPerShard: MIB, tenants: 4 },
  { label: "4 shards at 256 KiB/s", shards: 4, bytesPerSecondPerShard: MIB / 4, tenants: 4 },
  { label: "1 shard at 64 KiB/s", shards: 1, bytesPerSecondPerShard: MIB / 16, tenants: 4 },
];

function compactionTable(results: SegmentResult[], figures: { figure: string; text: string; target?: Target }[]) {
  const rows: Cell[][] = [];
  const roll = { maxBytes: LAKE_DEFAULTS.rollBytes, maxAgeMs: LAKE_DEFAULTS.rollSeconds * 1000 };
  for (const r of results) {
    const sizes = objectSizes(r.objects);
    const inBytes = r.merges.reduce((n, m) => n + m.inputBytes, 0);
    const measured = {
      parquetPerDataByte: sizes.totalBytes / r.dataBytes,
      mergedPerInputByte: r.merges.reduce((n, m) => n + m.outputBytes, 0) / inBytes,
    };
    const cpuPerMiB = r.merges.reduce((n, m) => n + m.cpuMs, 0) / (inBytes / MIB);
    for (const load of STEADY_LOADS) {
      const hour = compactedHour(load, roll, measured, COMPACTION_DEFAULTS.partBytes);
      const smallest = Math.min(...hour.parts);
      rows.push([
        LAKE_WORKLOADS[r.workload].label,
        load.label,
        `${fmt(hour.objects)} x ${mib(hour.objectBytes)}`,
        `${hour.parts.length} x ${mib(hour.parts.reduce((a, b) => a + b, 0) / hour.parts.length)}`,
        x(measured.mergedPerInputByte),
        fmt(cpuPerMiB),
      ]);
      figures.push({
        figure: `${r.workload}: a tenant-hour at ${load.label}, ${load.tenants} tenants, compacted`,
        text: `${hour.parts.length} part(s) of ${mib(smallest)} and more, from ${fmt(hour.objects)} objects of ${mib(hour.objectBytes)}`,
        target: { text: `>= ${fmt(ATHENA_OBJECT_BYTES / 1e6)} MB or one part`, met: hour.athenaSized },
      });
    }
  }
  return table(
    `compacted objects under steady load: one tenant's hour (${STEADY_LOADS[0].tenants} tenants; segments of ` +
      `${LAKE_DEFAULTS.rollBytes / MIB} MiB or ${LAKE_DEFAULTS.rollSeconds} s), its segment objects as the writer made them in the ` +
      `run above, then parts of at most ${COMPACTION_DEFAULTS.partBytes / MIB} MiB by the compactor's plan; the merge measured on ` +
      "each tenant's objects of that run (CPU per MiB of input Parquet)",
    ["workload", "load", "segment objects", "compacted parts", "merged / input", "merge CPU ms/MiB"],
    rows,
  );
}

function segmentTable(results: SegmentResult[], figures: { figure: string; text: string; target?: Target }[]) {
  const rows: Cell[][] = [];
  for (const r of results) {
    const s = objectSizes(r.objects);
    rows.push([
      LAKE_WORKLOADS[r.workload].label,
      `${fmt(r.rows)} rows, ${mib(r.dataBytes)}`,
      s.objectsPerSegment,
      mib(s.meanBytes),
      `${mib(s.minBytes)} - ${mib(s.maxBytes)}`,
      s.meanRows,
      s.rowGroupsPerObject,
      s.meanRowsPerRowGroup,
      x(r.dataBytes / s.totalBytes),
      fmt((r.cpuMs * 1000) / r.records),
      mib(r.heldBytes),
    ]);
    figures.push({
      figure: `${r.workload}: objects of a ${flags["segment-mib"]} MiB segment`,
      text: `${s.objectsPerSegment} objects of ${mib(s.meanBytes)}, ${fmt(s.meanRows)} rows, ${s.rowGroupsPerObject} row group(s)`,
    });
  }
  return table(
    `objects under steady load: one shard until the writer cuts by size (${flags["segment-mib"]} MiB of record data; ` +
      `${LAKE_DEFAULTS.rollSeconds} s roll time not reached), ${flags.tenants} tenants, one hour; ` +
      `row groups of up to ${fmt(ROW_GROUP_ROWS)} rows; the first segment cut; held: live heap and buffers ` +
      "when the segment was stored, over those before",
    [
      "workload",
      "first segment",
      "objects",
      "MiB/object",
      "range",
      "rows/object",
      "row groups/object",
      "rows/row group",
      "data / Parquet",
      "us/row",
      "held at the cut",
    ],
    rows,
  );
}

async function main(): Promise<void> {
  assertBuilt();
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), "bench-lake-"));
  const child = startIpcChild({
    name: "lake-inmemory",
    script: path.join(__dirname, "lib", "lake-inmemory.mjs"),
    args: [],
    env: { NODE_OPTIONS: "--expose-gc --max-old-space-size=6144" },
    stopGraceMs: 1000,
  });
  const workloads = Object.keys(LAKE_WORKLOADS) as LakeWorkloadName[];
  const results: WorkloadResult[] = [];
  const endToEnd: EndToEnd[] = [];
  const segments: SegmentResult[] = [];
  try {
    await waitFor(child, (m) => m.type === "ready", 30_000, "ready");
    for (const w of workloads) results.push(await throughput(child, dir, w));
    if (flags["segment-mib"] > 0) for (const w of workloads) segments.push(await segmentRun(child, dir, w));
    // The in-memory child is idle from here: stopped, so its heap leaves the machine to the end-to-end run.
    await child.stop();
    if (flags["end-to-end-rounds"] > 0) {
      for (const w of END_TO_END_WORKLOADS) {
        note(`${w}: end to end against kinesis-local, ${flags["end-to-end-rounds"]} round(s)...`);
        const file = path.join(dir, `${w}.jsonl`);
        const result = await lakeEndToEnd({
          file,
          records: flags.records,
          shards: flags.shards,
          rounds: flags["end-to-end-rounds"],
        });
        endToEnd.push({ ...result, workload: w, bytesPerRecord: meanTextBytes(file) });
      }
    }
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const figures: { figure: string; text: string; target?: Target }[] = [];
  const tables = [throughputTable(results, figures)];
  if (endToEnd.length) tables.push(endToEndTable(endToEnd, figures));
  if (segments.length) tables.push(segmentTable(segments, figures));
  if (segments.length) tables.push(compactionTable(segments, figures));
  tables.push(
    table(
      `figures (run took ${fmt((Date.now() - started) / 1000)} s)`,
      ["figure", "value", "target", "verdict"],
      figures.map((f) => [f.figure, f.text, f.target?.text ?? "-", verdict(f.target)]),
    ),
  );
  output(
    json,
    {
      benchmark: "lake",
      params: flags,
      throughput: results.map(({ objects, ...r }) => ({ ...r, objects: objects.length })),
      endToEnd,
      segments: segments.map((s) => ({ ...s, sizes: objectSizes(s.objects), objects: undefined })),
      figures: figures.map((f) => ({ figure: f.figure, text: f.text, target: f.target?.text, met: f.target?.met })),
    },
    tables,
  );
}

runMain(main);
