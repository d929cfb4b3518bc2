/**
 * The lake writer's contract: KCL-style workers (on Fargate beside the processing service,
 * and in the local stack) under their own application name and lease table, writing every
 * record of the stream to the lake bucket as Parquet (EXACTLY-ONCE.md).
 */
import { defineContract, emits } from "../common/contract";
import { httpUrl, integer, matching } from "../common/env";
import { LAKE_METRICS, PIPELINE_SERVICES, SERVICE_DIMENSION } from "../observability/metrics/pipeline";
import {
  CONSUMER_APPLICATION_CALLS,
  CONSUMER_APPLICATION_RESOURCES,
  CONSUMER_VARIABLES,
  consumerApplicationMetrics,
} from "../processing/service-contract";
import { STREAM_LIMITS } from "../stream/limits";
import { DEAD_LETTERS_PREFIX, PROGRESS_PREFIX, SEGMENTS_PREFIX, TABLES_PREFIX } from "./object-keys";

export const LAKE_DEFAULTS = {
  /**
   * 64 MiB of record data per segment: at a shard's full 1 MB/s a segment is cut about once a
   * minute, and its Parquet objects (compressed, split by tenant and hour) stay in the tens
   * of MB that Athena reads well; what a worker buffers for all its shards together is
   * bounded by its memory budget (LAKE_BUFFER_BYTES), not by this times its leases.
   */
  rollBytes: 64 * 1024 * 1024,
  /**
   * The memory budget is this fraction of the memory a worker may use (the task's memory on
   * AWS, V8's heap limit when LAKE_BUFFER_BYTES is unset): the budget counts each row's data
   * and its JS objects (memory-cut.ts heldBytesOf); the Parquet encoder copies a segment being
   * stored, and the rest is the runtime's own.
   */
  bufferShareOfMemory: 0.25,
  /**
   * The lake task's V8 heap limit (`--max-old-space-size`), as a share of its memory. Node
   * sizes its heap from the container's memory by its own rule, which may leave it smaller
   * than the rows the budget lets a worker hold (each buffered row lives on the heap). Half:
   * the budget's rows, as much again for the garbage collector's headroom and the encoder's
   * objects; the other half of the task for what lives outside the heap (record bytes, the
   * Parquet writer's WebAssembly memory).
   */
  heapShareOfMemory: 0.5,
  /** Under light load rows reach the lake within this long (Firehose's default buffer interval is 300 s too). */
  rollSeconds: 300,
  ageCheckMs: 1_000,
  /**
   * A writer publishes its shard's progress (progress/<shardId>.json) at most this often while
   * the shard is read (at once when it ends): one PUT a minute per shard costs about 43,800
   * PUTs a month, and the compactor, which waits on the slowest shard with minutes of slack
   * and runs every COMPACTION_DEFAULTS.scheduleMinutes, needs no fresher view.
   */
  progressIntervalMs: 60_000,
  /**
   * Tries of the progress write at a shard's end, 200 ms apart and more, so the compactor
   * learns of the end at once; should they all fail, the workers' sweep of ended leases
   * (ended-shards.ts) writes it within ENDED_SHARDS_INTERVAL_MS.
   */
  progressEndAttempts: 5,
  /**
   * How long an unknown schema version id is answered "unknown" without asking the registry
   * again. The lake retries the batch rather than dead-lettering it (EXACTLY-ONCE.md), with
   * its own backoff per shard, so the registry's 30 s (SCHEMA_MISS_TTL_MS, sized for a worker
   * that would ask once per record) would hold a shard half a minute past a version's
   * registration; a second still makes every shard waiting on one id share one lookup.
   */
  schemaMissTtlMs: 1_000,
} as const;

/**
 * Reading a shard up to a record and writing a segment's claim and objects (at most
 * LAKE_LIMITS.rollBytes of Parquet, a few PUTs) take seconds: a minute bounds them.
 */
const READ_AND_STORE_MS = 60_000;

/**
 * The most a record read by the lake may wait before it is stored, when the lake works: the
 * bound over which LakeOldestUnstoredAge says rows are not reaching the lake. A record waits
 * in its segment at most the roll time (counted from the segment's opening) and one age
 * check. When its worker dies before claiming the segment, the lease moves within the
 * failover time and one renewal period, a third of it (processing/leases/LEASES.md); the next
 * owner reads the record again, opens the segment afresh and may hold it one more roll time.
 * A minute more covers the reads and the writes.
 */
export function unstoredAgeBoundMs(rollSeconds: number, failoverMs: number): number {
  return 2 * rollSeconds * 1000 + Math.ceil((failoverMs * 4) / 3) + LAKE_DEFAULTS.ageCheckMs + READ_AND_STORE_MS;
}

/** The lake task's `--max-old-space-size` (MiB) for a task of `memoryMiB`. */
export function lakeHeapMiB(memoryMiB: number): number {
  return Math.floor(memoryMiB * LAKE_DEFAULTS.heapShareOfMemory);
}

/**
 * The most of V8's heap limit a worker's budget may be: the budget's share of the task over
 * the heap's (half the heap with the defaults), so a task the stack sized holds its budget.
 */
export function heapBudgetBound(heapLimitBytes: number): number {
  return Math.floor((heapLimitBytes * LAKE_DEFAULTS.bufferShareOfMemory) / LAKE_DEFAULTS.heapShareOfMemory);
}

/** The memory budget of a worker that may use `memoryBytes` (LAKE_DEFAULTS.bufferShareOfMemory of it). */
export function lakeBufferBytes(memoryBytes: number): number {
  return Math.max(LAKE_LIMITS.bufferBytes.min, Math.floor(memoryBytes * LAKE_DEFAULTS.bufferShareOfMemory));
}

/** What a segment's roll settings may be: the stack's config (infra/lake) and the worker check the same bounds. */
export const LAKE_LIMITS = {
  /** At least 1 MiB: smaller objects make Athena open a file per few rows. */
  rollBytes: { min: 1024 * 1024, max: 512 * 1024 * 1024 },
  /** At most an hour: a record reaches the lake within one hour partition of its arrival. */
  rollSeconds: { min: 1, max: 3600 },
  /**
   * At least one record of the largest size Kinesis takes (STREAM_LIMITS.maxRecordBytes), so
   * an empty budget always admits the next record; at most 1 TiB.
   */
  bufferBytes: { min: STREAM_LIMITS.maxRecordBytes, max: 2 ** 40 },
} as const;

// What the lake worker leaves out of the processing workers' settings: it is its own processor,
// checkpoints only at stored segments, retries a batch for ever and always starts at the
// shard's start (EXACTLY-ONCE.md says why each).
const {
  PROCESSOR_MODULE: _module,
  PROCESSED_FILE: _processed,
  CHECKPOINT_INTERVAL_MS: _interval,
  PROCESSOR_MAX_ATTEMPTS: _attempts,
  INITIAL_POSITION: _initial,
  DEAD_LETTER_FILE: _deadLetterFile,
  ...LAKE_CONSUMER_VARIABLES
} = CONSUMER_VARIABLES;

export const LAKE_VARIABLES = {
  ...LAKE_CONSUMER_VARIABLES,
  LAKE_BUCKET: {
    ...matching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name: 3 to 63 of a-z 0-9 . -"),
    purpose: "the lake bucket",
  },
  S3_ENDPOINT: {
    ...httpUrl,
    default: "" as const,
    purpose: "S3 endpoint for the local S3 server; unset means AWS",
  },
  LAKE_ROLL_BYTES: {
    ...integer(LAKE_LIMITS.rollBytes.min, LAKE_LIMITS.rollBytes.max),
    default: String(LAKE_DEFAULTS.rollBytes),
    purpose: "cut a shard's segment once its records hold this many bytes",
  },
  LAKE_ROLL_SECONDS: {
    ...integer(LAKE_LIMITS.rollSeconds.min, LAKE_LIMITS.rollSeconds.max),
    default: String(LAKE_DEFAULTS.rollSeconds),
    purpose: "cut a shard's segment once its first record is this old",
  },
  LAKE_BUFFER_BYTES: {
    ...integer(LAKE_LIMITS.bufferBytes.min, LAKE_LIMITS.bufferBytes.max),
    default: "" as const,
    purpose:
      "the most all of a worker's open segments hold together (each row's data and 512 B for its objects); the largest is cut early to stay within it (unset: a quarter of V8's heap limit)",
  },
};

/** The lake workers' documents: their program (never processing's series), and the stream they read. */
const LAKE_DIMENSIONS = { [SERVICE_DIMENSION]: PIPELINE_SERVICES.lake, StreamName: "STREAM_NAME" } as const;

export const LAKE = defineContract({
  part: "lake",
  purpose: "the lake writer on Fargate: every record once in S3 as Parquet, by tenant, date and hour",
  entry: { kind: "command", script: "dist/runtime/lake/main.js" },
  variables: LAKE_VARIABLES,
  resources: {
    ...CONSUMER_APPLICATION_RESOURCES,
    /** The objects of the lake: table objects, dead letters, claims, shard progress (object-keys.ts). */
    lakeObjects: { named: ["LAKE_BUCKET"] },
  },
  calls: [
    ...CONSUMER_APPLICATION_CALLS,
    // Conditional PutObject (If-None-Match) and the progress objects' plain PUT need
    // s3:PutObject only; claims are read back.
    { action: "s3:PutObject", on: "lakeObjects" },
    { action: "s3:GetObject", on: "lakeObjects" },
  ],
  metrics: [
    // The coordinator's counters and lag, as the processing workers publish them, under Service=lake.
    ...consumerApplicationMetrics(LAKE_DIMENSIONS),
    emits(LAKE_METRICS, LAKE_DIMENSIONS),
  ],
});

/** The prefixes the lake writer writes under, for the bucket's grants and lifecycle. */
export const LAKE_PREFIXES = [TABLES_PREFIX, DEAD_LETTERS_PREFIX, SEGMENTS_PREFIX, PROGRESS_PREFIX] as const;
