/**
 * The lake end to end, against kinesis-local: the compiled lake worker as deployed
 * (dist/runtime/lake/main.js, in a clean environment, as runtime/local/lake-child.ts and the
 * lake's integration tests start it) writing to the local S3 server, against the consumer
 * benchmark's bare reader (lib/bare-reader.mjs: GetRecords and count, no leases), both reading
 * the same stream, which already holds the workload's records (written by the real
 * KinesisProducer, so aggregated as ingest writes them, every tenant in its partition key).
 *
 * How each side is timed (both from their first read to their last row):
 *
 *  - bare reader: from right before its first GetShardIterator to the last Kinesis record
 *    counted (its own clock; CPU from its own process.cpuUsage over that span);
 *  - lake worker: from its first "took a lease" log line (the coordinator starts the shard's
 *    consumer and its first read right after: as the consumer benchmark's worker is timed from
 *    its processor's initialize) to the newest Parquet object's modification time in the S3
 *    server's directory (when the last row was stored in S3, not when the worker says so);
 *    its rows are counted from the objects' Parquet footers and must equal the records. CPU of
 *    the worker process from /proc (10 ms ticks), sampled when the first lease line and the
 *    last "segment stored" line arrive.
 *
 * A segment is cut at 64 MiB or 300 s (the defaults, as deployed), which a backlog of a few
 * MiB per shard never reaches: the worker would wait out the roll time before its last row.
 * So after the backlog is written the stream is resharded (4 -> 8), which ends the shards it
 * is on, and each shard's end cuts its segment at once, as the in-memory run's shards do. The
 * bare reader reads only the shards that hold the records: the worker reads their (empty)
 * children only once their parents have ended, as KCL does, while the bare reader would read
 * them all along, and its empty calls would slow the emulator serving the others. Rows per object are then one shard's
 * rows of a tenant: fewer and smaller objects than under steady load (the objects run says
 * what those are).
 *
 * Each round, the bare reader and a fresh lake worker (its own application and lease table,
 * its own bucket) take turns, the order alternating.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DescribeStreamSummaryCommand, ListShardsCommand, UpdateShardCountCommand } from "@aws-sdk/client-kinesis";
import { parquetMetadata } from "hyparquet";
import { contractEnvironment } from "../../runtime/common/contract";
import { REPO_ROOT } from "../../runtime/common/repo-root";
import { compiledEntrypoint } from "../../runtime/common/services";
import { LAKE } from "../../runtime/lake/contract";
import { DEAD_LETTERS_PREFIX, TABLES_PREFIX } from "../../runtime/lake/object-keys";
import { LOCAL_REGION } from "../../runtime/local/emulators";
import { GuardedChild, spawnGuarded, withLastOutput } from "../../runtime/local/guarded-child";
import { S3RVER_OBJECT_SUFFIX } from "../../runtime/local/lake-query";
import { pollUntil } from "../../runtime/local/poll-until";
import { LocalStream } from "../../runtime/local/stream-setup";
import { CONSUMER_DEFAULTS } from "../../runtime/processing/service-contract";
import { onExit } from "./cleanup";
import { startIpcChild, waitFor } from "./children";
import { ConsumerStack } from "./consumer-stack";
import { bareRun, produce, ReadRun, Written } from "./consumer-throughput";
import { cpuSecondsOf } from "./cpu";
import { median, note } from "./report";

/** The worker's GetRecords limit (MAX_RECORDS' default, the most GetRecords returns): the bare reader's too. */
const MAX_RECORDS = CONSUMER_DEFAULTS.maxRecords;
/** The lake worker: from its start to its last row, at most (40,000 1 KB records take about half a minute). */
const LAKE_RUN_TIMEOUT_MS = 300_000;
/** A worker stores and checkpoints its open segments and releases its leases on SIGTERM. */
const STOP_GRACE_MS = 15_000;

export interface LakeWorkerRun {
  rows: number;
  objects: number;
  deadLetterObjects: number;
  parquetBytes: number;
  /** From the first "took a lease" to the newest object's mtime. */
  wallMs: number;
  rowsPerSecond: number;
  /** Worker CPU over the same span (from /proc, 10 ms ticks). */
  cpuMs: number;
  cpuUsPerRow: number;
  /** From spawning the worker to its first lease (module loading, lease table, shard sync). */
  startMs: number;
  /** CPU of kinesis-local and of the S3 server over the same span. */
  emulatorCpuMs: number;
  s3CpuMs: number;
}

export interface EndToEndRound {
  bare: ReadRun;
  lake: LakeWorkerRun;
  /** Lake rows/s over the bare reader's rows/s (wall time, both from first read to last row). */
  ratio: number;
}

export interface EndToEndResult {
  written: Written;
  shards: number;
  rounds: EndToEndRound[];
  ratio: number;
  bareRowsPerSecond: number;
  lakeRowsPerSecond: number;
  bareCpuUsPerRow: number;
  lakeCpuUsPerRow: number;
}

/** Every object file under `dir` (s3rver keeps an object as `<key>._S3rver_object`). */
function objectFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return objectFiles(p);
    return e.name.endsWith(S3RVER_OBJECT_SUFFIX) ? [p] : [];
  });
}

/** The lake's table objects in a bucket's directory: rows from their Parquet footers, the newest mtime. */
function storedRows(bucketDir: string) {
  let rows = 0;
  let bytes = 0;
  let newestMs = 0;
  const files = objectFiles(path.join(bucketDir, TABLES_PREFIX));
  for (const file of files) {
    const body = readFileSync(file);
    rows += Number(parquetMetadata(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)).num_rows);
    bytes += body.length;
    newestMs = Math.max(newestMs, statSync(file).mtimeMs);
  }
  return {
    rows,
    bytes,
    objects: files.length,
    newestMs,
    deadLetters: objectFiles(path.join(bucketDir, DEAD_LETTERS_PREFIX)).length,
  };
}

/** Ends the shards the backlog is on: every one is split in two, its records stay readable. */
async function endShards(stack: ConsumerStack, stream: LocalStream): Promise<void> {
  await stack.kinesis.send(
    new UpdateShardCountCommand({
      StreamName: stream.streamName,
      TargetShardCount: stream.shardCount * 2,
      ScalingType: "UNIFORM_SCALING",
    }),
  );
  await pollUntil(
    async () => {
      const { StreamDescriptionSummary: s } = await stack.kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: stream.streamName }),
      );
      if (s?.StreamStatus !== "ACTIVE") throw new Error(`stream is ${s?.StreamStatus}`);
    },
    { what: `stream ${stream.streamName} to be ACTIVE after its reshard`, timeoutMs: 60_000, intervalMs: 100 },
  );
}

async function lakeRun(
  stack: ConsumerStack,
  stream: LocalStream,
  s3: { endpoint: string; pid: number; directory: string },
  bucket: string,
  expectedRows: number,
): Promise<LakeWorkerRun> {
  const app = stack.newApplication("bench-lake");
  // Made beforehand, as the stack does on AWS: the worker's start is not the figure.
  await app.table.ensureExists();
  const spawnedAt = Date.now();
  const worker: GuardedChild = spawnGuarded({
    name: "lake worker",
    script: compiledEntrypoint(LAKE),
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      ...contractEnvironment(LAKE, {
        STREAM_NAME: stream.streamName,
        AWS_REGION: LOCAL_REGION,
        APPLICATION_NAME: app.applicationName,
        WORKER_ID: "bench-lake",
        KINESIS_ENDPOINT: stack.emulators.kinesis.endpoint,
        DYNAMODB_ENDPOINT: stack.emulators.dynamodb.endpoint,
        S3_ENDPOINT: s3.endpoint,
        LAKE_BUCKET: bucket,
        // As deployed: its lease and segment lines are the timing (see the header).
        LOG_LEVEL: "info",
        // One EMF document, at shutdown: no periodic output competing for the CPU mid-run.
        METRICS_INTERVAL_MS: 3_600_000,
      }).variables,
    },
    stopGraceMs: STOP_GRACE_MS,
    output: "pipe",
  });
  const forget = onExit(() => worker.stop().then(() => undefined));
  let first: { t: number; cpu: number; emulator: number; s3: number } | undefined;
  let last: { cpu: number; emulator: number; s3: number } | undefined;
  let logged = 0;
  const sample = () => ({
    cpu: cpuSecondsOf(worker.pid),
    emulator: cpuSecondsOf(stack.emulators.kinesis.pid),
    s3: cpuSecondsOf(s3.pid),
  });
  worker.onStdoutLine((line) => {
    if (!line.startsWith("{")) return;
    const entry = JSON.parse(line) as { msg?: string; time?: number; rows?: number };
    if (entry.msg === "took a lease" && !first) first = { t: Number(entry.time), ...sample() };
    if (entry.msg === "segment stored") {
      logged += Number(entry.rows);
      if (logged >= expectedRows && !last) last = sample();
    }
  });
  try {
    await pollUntil(
      async () => {
        const exit = worker.exit();
        if (exit) throw new Error(`exited (${JSON.stringify(exit)}) after ${logged} rows`);
        if (!last) throw new Error(`${logged} of ${expectedRows} rows stored`);
      },
      {
        what: `the lake worker to store ${expectedRows} rows`,
        timeoutMs: LAKE_RUN_TIMEOUT_MS,
        intervalMs: 100,
        hopeless: () => (worker.exit() ? `exited after ${logged} rows` : undefined),
      },
    );
  } catch (error) {
    throw new Error(withLastOutput(worker, (error as Error).message), { cause: error });
  } finally {
    await worker.stop();
    forget();
  }
  const stored = storedRows(path.join(s3.directory, bucket));
  if (stored.rows !== expectedRows || stored.deadLetters > 0) {
    throw new Error(
      `the lake stored ${stored.rows} rows and ${stored.deadLetters} dead letters of ${expectedRows} records`,
    );
  }
  const wallMs = stored.newestMs - first!.t;
  const cpuMs = (last!.cpu - first!.cpu) * 1000;
  return {
    rows: stored.rows,
    objects: stored.objects,
    deadLetterObjects: stored.deadLetters,
    parquetBytes: stored.bytes,
    wallMs,
    rowsPerSecond: (stored.rows / wallMs) * 1000,
    cpuMs,
    cpuUsPerRow: (cpuMs * 1000) / stored.rows,
    startMs: first!.t - spawnedAt,
    emulatorCpuMs: (last!.emulator - first!.emulator) * 1000,
    s3CpuMs: (last!.s3 - first!.s3) * 1000,
  };
}

/** The whole end-to-end measure of one workload file (JSON lines of {partitionKey, text}). */
export async function lakeEndToEnd(options: {
  file: string;
  records: number;
  shards: number;
  rounds: number;
}): Promise<EndToEndResult> {
  const directory = mkdtempSync(path.join(tmpdir(), "bench-lake-s3-"));
  const buckets = Array.from({ length: options.rounds }, (_, i) => `bench-lake-round-${i + 1}`);
  const stack = await ConsumerStack.start();
  const s3child = startIpcChild({
    name: "local S3",
    script: path.join(__dirname, "lake-s3.mjs"),
    env: { BENCH_S3_DIRECTORY: directory, BENCH_S3_BUCKETS: buckets.join(",") },
    stopGraceMs: 2000,
  });
  try {
    const ready = await waitFor(s3child, (m) => m.type === "ready", 30_000, "ready");
    const s3 = { endpoint: String(ready.endpoint), pid: s3child.pid, directory };
    const stream = await stack.createStream(options.shards);
    note(`  end to end: writing ${options.records} records to kinesis-local through the KinesisProducer...`);
    const written = await produce(stack, stream, { type: "file", file: options.file }, 300_000);
    if (written.userRecords !== options.records) throw new Error(`wrote ${written.userRecords} of ${options.records}`);
    // The shards holding the records, before the reshard adds their (empty) children.
    const { Shards } = await stack.kinesis.send(new ListShardsCommand({ StreamName: stream.streamName }));
    const recordShards = (Shards ?? []).map((s) => s.ShardId!);
    await endShards(stack, stream);
    const rounds: EndToEndRound[] = [];
    for (let i = 0; i < options.rounds; i++) {
      let bare: ReadRun | undefined;
      let lake: LakeWorkerRun | undefined;
      for (const side of i % 2 ? ["lake", "bare"] : ["bare", "lake"]) {
        note(
          `  end to end, round ${i + 1} of ${options.rounds}: ${side === "bare" ? "bare reader" : "lake worker"}...`,
        );
        if (side === "bare") bare = await bareRun(stack, stream, written, MAX_RECORDS, recordShards);
        else lake = await lakeRun(stack, stream, s3, buckets[i], options.records);
      }
      rounds.push({ bare: bare!, lake: lake!, ratio: lake!.rowsPerSecond / bare!.recordsPerSecond });
    }
    return {
      written,
      shards: options.shards,
      rounds,
      ratio: median(rounds.map((r) => r.ratio)),
      bareRowsPerSecond: median(rounds.map((r) => r.bare.recordsPerSecond)),
      lakeRowsPerSecond: median(rounds.map((r) => r.lake.rowsPerSecond)),
      bareCpuUsPerRow: median(rounds.map((r) => r.bare.cpuUsPerRecord)),
      lakeCpuUsPerRow: median(rounds.map((r) => r.lake.cpuUsPerRow)),
    };
  } finally {
    await s3child.stop();
    await stack.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
