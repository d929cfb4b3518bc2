/**
 * Where everything of the lake lives in its bucket: Hive-style partitions (tenant, date,
 * hour) under one prefix per table, object names made of the segment they belong to (so a
 * re-read names the same object: EXACTLY-ONCE.md), the dead letters, and the segments'
 * claims. Athena's partition projection and the local query engine read the same layout.
 */
import { isTenantId, MIXED_TENANTS, TENANT_ID_ALLOWED } from "../stream/tenant-key";
import { Position, positionText } from "./position";

/** The prefix of each table's objects: `tables/<table>/`. */
export const TABLES_PREFIX = "tables/";
/** Records that cannot be rows, as JSON lines with their reason. */
export const DEAD_LETTERS_PREFIX = "dead-letters/";
/** One claim per segment: where it ends (segment-claims.ts). */
export const SEGMENTS_PREFIX = "segments/";
/** Each shard's progress: before which arrival time every record of it is stored (progress.ts). */
export const PROGRESS_PREFIX = "progress/";
/**
 * Closed hours' rows, merged into Athena-sized objects (compaction/): the same tables and
 * partitions as under TABLES_PREFIX, `compacted/<table>/tenant=<t>/date=<d>/hour=<h>/`.
 */
export const COMPACTED_PREFIX = "compacted/";
/** The compactor's state: the one object that says which hours are read from COMPACTED_PREFIX. */
export const COMPACTION_PREFIX = "compaction/";

/** The time partition of a record: UTC date and hour of its arrival at the stream. */
export interface TimePartition {
  /** YYYY-MM-DD */
  date: string;
  /** 00 to 23 */
  hour: string;
}

export function timePartitionOf(arrival: Date): TimePartition {
  const iso = arrival.toISOString();
  return { date: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

/** `tenant=<t>/date=<d>/hour=<h>/`: a tenant id (or MIXED_TENANTS) is already a safe path segment (tenant-key.ts). */
export function partitionPath(tenant: string, time: TimePartition): string {
  if (!isTenantId(tenant) && tenant !== MIXED_TENANTS) {
    throw new Error(
      `a lake partition's tenant is a tenant id (${TENANT_ID_ALLOWED}) or ${MIXED_TENANTS}, got ${JSON.stringify(tenant)}`,
    );
  }
  return `tenant=${tenant}/date=${time.date}/hour=${time.hour}/`;
}

/** A segment: its shard and its first record (its claim fixes where it ends). */
export interface SegmentName {
  shardId: string;
  first: Position;
}

/** Shard ids are `shardId-` and digits on Kinesis; anything else must not make a path. */
function shardSegment(shardId: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(shardId)) {
    throw new Error(`a shard id is 1 to 128 of A-Z a-z 0-9 _ -, got ${JSON.stringify(shardId)}`);
  }
  return shardId;
}

function segmentStem(segment: SegmentName): string {
  return `${shardSegment(segment.shardId)}-${positionText(segment.first)}`;
}

/**
 * The object holding a segment's rows of one table, tenant, hour and schema version (rows of
 * different versions have different columns: one object each; the generic table has none).
 */
export function tableObjectKey(
  table: string,
  tenant: string,
  time: TimePartition,
  segment: SegmentName,
  version?: number,
): string {
  const suffix = version === undefined ? "" : `-v${version}`;
  return `${TABLES_PREFIX}${table}/${partitionPath(tenant, time)}${segmentStem(segment)}${suffix}.parquet`;
}

export function deadLetterObjectKey(tenant: string, time: TimePartition, segment: SegmentName): string {
  return `${DEAD_LETTERS_PREFIX}${partitionPath(tenant, time)}${segmentStem(segment)}.jsonl`;
}

export function claimKey(segment: SegmentName): string {
  return `${SEGMENTS_PREFIX}${shardSegment(segment.shardId)}/${positionText(segment.first)}.json`;
}

/** A shard's progress object: `progress/<shardId>.json`. */
export function progressKey(shardId: string): string {
  return `${PROGRESS_PREFIX}${shardSegment(shardId)}.json`;
}

/**
 * One part of a closed hour's compacted rows of one table, tenant and schema version:
 * `part-<k>-of-<n>`, numbered by the compaction plan, which is a function of the hour's
 * segment objects alone (they no longer change once the hour is closed), so a compactor that
 * runs again names the same parts.
 */
export function compactedObjectKey(
  table: string,
  tenant: string,
  time: TimePartition,
  part: { index: number; of: number },
  version?: number,
): string {
  if (!Number.isInteger(part.index) || !Number.isInteger(part.of) || part.index < 0 || part.index >= part.of) {
    throw new Error(`a compacted part is index 0..of-1 of of >= 1, got ${JSON.stringify(part)}`);
  }
  const suffix = version === undefined ? "" : `-v${version}`;
  return `${COMPACTED_PREFIX}${table}/${partitionPath(tenant, time)}part-${part.index}-of-${part.of}${suffix}.parquet`;
}

/**
 * The compaction state, alone under its own prefix so that a Glue table (and the local
 * query's view) reads exactly this one object: hours before its `compacted_before` are read
 * from COMPACTED_PREFIX, the others from TABLES_PREFIX.
 */
export const COMPACTION_STATE_KEY = `${COMPACTION_PREFIX}state/state.json`;

/** An hour as the compaction state and the views compare it: `YYYY-MM-DD HH` (UTC), which sorts as time does. */
export function hourKey(time: TimePartition): string {
  return `${time.date} ${time.hour}`;
}

/** The table prefix Glue and DuckDB read: `tables/<table>/`. */
export function tablePrefix(table: string): string {
  return `${TABLES_PREFIX}${table}/`;
}

/** The compacted table prefix: `compacted/<table>/`. */
export function compactedTablePrefix(table: string): string {
  return `${COMPACTED_PREFIX}${table}/`;
}

/**
 * The part counts the first run that planned a closed hour stored for it (compaction/): every
 * later run follows them, whatever its own part size, so an hour's parts come from one plan.
 * Beside the state, not under it: the state's Glue table reads compaction/state/ alone.
 */
export function compactionPlanKey(time: TimePartition): string {
  return `${COMPACTION_PREFIX}plans/date=${time.date}/hour=${time.hour}.json`;
}
