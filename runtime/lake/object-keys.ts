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

/** The table prefix Glue and DuckDB read: `tables/<table>/`. */
export function tablePrefix(table: string): string {
  return `${TABLES_PREFIX}${table}/`;
}
