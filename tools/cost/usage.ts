/**
 * The traffic a cost estimate assumes, and what follows from it for the usage-priced items.
 * The first group comes from `npm run cost` flags; the rest are stated assumptions about
 * the pipeline's own habits (how often workers renew leases, how much a log group takes),
 * printed with every estimate so a reader can judge them.
 */
import { integer } from "../../runtime/common/parsers";
import { TENANT_DEFAULTS } from "../../runtime/tenants/defaults";
import { REFRESH_AHEAD } from "../../runtime/tenants/lookup-cache";
import { Parser } from "../../runtime/common/setting";

export interface Usage {
  /** User records per second into ingest, steady over the month. */
  recordsPerSecond: number;
  /** Data bytes of one record. */
  recordBytes: number;
  partitionKeyBytes: number;
  /** Tenants sending (each its own API key and partition key prefix). */
  tenants: number;
  /** Records per HTTP request: 1 for POST /records, more for POST /batch. */
  recordsPerRequest: number;
  /** GB a month each log group takes in. */
  logGbPerGroupMonth: number;
  /** GB the lake's Athena queries scan a day. */
  athenaScanGbPerDay: number;
}

export interface UsageFlag {
  flag: string;
  key: keyof Usage;
  default: number;
  parser: Parser<number>;
  meaning: string;
}

/** The flags of `npm run cost`, with their defaults: a dev stack replaying taxi trips. */
export const USAGE_FLAGS: UsageFlag[] = [
  {
    flag: "records-per-second",
    key: "recordsPerSecond",
    default: 1000,
    parser: integer(0, 10_000_000),
    meaning: "user records per second into ingest, steady",
  },
  {
    flag: "record-bytes",
    key: "recordBytes",
    default: 200,
    parser: integer(1, 1024 * 1024),
    meaning: "data bytes of one record (a taxi trip event is about 200)",
  },
  {
    flag: "partition-key-bytes",
    key: "partitionKeyBytes",
    default: 16,
    parser: integer(1, 256),
    meaning: "characters of a partition key",
  },
  { flag: "tenants", key: "tenants", default: 1, parser: integer(1, 1_000_000), meaning: "tenants sending" },
  {
    flag: "records-per-request",
    key: "recordsPerRequest",
    default: 100,
    parser: integer(1, 500),
    meaning: "records per HTTP request (POST /batch takes up to 500)",
  },
  {
    flag: "log-gb-per-group",
    key: "logGbPerGroupMonth",
    default: 1,
    parser: integer(0, 100_000),
    meaning: "GB a month each CloudWatch Logs group takes in",
  },
  {
    flag: "athena-scan-gb-per-day",
    key: "athenaScanGbPerDay",
    default: 10,
    parser: integer(0, 1_000_000),
    meaning: "GB the lake's Athena queries scan a day",
  },
];

export const DEFAULT_USAGE: Usage = Object.fromEntries(USAGE_FLAGS.map((f) => [f.key, f.default])) as unknown as Usage;

/**
 * The pipeline's own habits the estimate assumes, each with why: one place, printed with
 * every estimate.
 */
export const HABITS = {
  /** HTTP framing of a record on the way in ({"data": ...} JSON plus headers, amortized). */
  httpBytesPerRecord: 120,
  /** A consumer application renews each lease it holds about every 10 s. */
  renewalsPerShardPerSecond: 0.1,
  /** Processing checkpoints each shard about once a second (the lake once a segment). */
  checkpointsPerShardPerSecond: 1,
  /** Lease table scans by each worker, about every 10 s (the table holds a row per shard). */
  leaseReadsPerWorkerPerSecond: 0.1,
  /** The scaler's history: one consistent read a run, a conditional write a change (a few a day). */
  scalerRunsPerHour: 12,
  /**
   * Tenants table: each ingest task keeps a key in use for AUTH_CACHE_TTL_MS and reads it again
   * REFRESH_AHEAD before it expires, two strongly consistent GetItems (the key's item, then its
   * tenant's), 1 read request unit each (runtime/tenants/lookup-cache.ts, tenant-table.ts).
   */
  tenantReadsPerKeyPerTaskPerSecond: 2 / ((TENANT_DEFAULTS.cacheTtlMs / 1000) * (1 - REFRESH_AHEAD)),
  /**
   * The lake writer's CPU per row: bench:lake measured the deployed worker (reading over HTTP,
   * writing to S3, a fresh process) at 23 to 47 µs a row end to end, 10 to 20 µs in memory.
   */
  lakeCpuMicrosecondsPerRow: 45,
  /** How busy a lake task may run: headroom for a shard taken over and the segment cut's burst. */
  lakeTaskCpuUsage: 0.7,
  /** Parquet over JSON for the lake (columnar, compressed): what S3 stores of each GB in. */
  lakeCompression: 0.25,
  /**
   * The lake compactor's CPU per MiB of Parquet it merges: bench:lake measured 15 to 34 ms
   * (each tenant's objects of a 64 MiB segment run merged as the compactor merges a part).
   */
  lakeMergeMsPerParquetMiB: 35,
  /** Hot-spot results: a few documents a second into the results stream. */
  resultsRecordsPerSecond: 5,
  resultsRecordBytes: 300,
  /** A scaler or indexer run: memory as configured, about a second. */
  lambdaSecondsPerRun: 1,
  /** KMS requests of a stream's key: Kinesis reuses a data key for up to 5 minutes per reader and writer. */
  kmsRequestsPerClientPerHour: 12,
  /** The service image in ECR. */
  imageGb: 0.3,
  /** A Flink application's running storage: 50 GB per KPU (Managed Flink pricing). */
  flinkStorageGbPerKpu: 50,
} as const;

export class UsageError extends Error {}

/** Reads the usage flags from parsed CLI values; every bad flag is named in one error. */
export function readUsage(values: Record<string, string | undefined>): Usage {
  const usage = { ...DEFAULT_USAGE };
  const problems: string[] = [];
  for (const f of USAGE_FLAGS) {
    const text = values[f.flag];
    if (text === undefined) continue;
    const value = f.parser.parse(text);
    if (value === undefined) problems.push(`--${f.flag} must be ${f.parser.allowed}, got ${JSON.stringify(text)}`);
    else usage[f.key] = value;
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return usage;
}
