/**
 * Kinesis Data Streams limits that this project depends on, in one place.
 *
 * Infra validates config against these and the runtime sizes its batches by them, so a
 * limit is written down once, next to where AWS documents it.
 */

/** Kinesis Data Streams quotas and limits: https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html */
export const STREAM_LIMITS = {
  /** Retention can be set from 24 hours (the default) up to 8760 hours (365 days). */
  minRetentionHours: 24,
  maxRetentionHours: 8760,
  /** UpdateShardCount cannot scale a stream above 10,000 shards. */
  minShardCount: 1,
  maxShardCount: 10_000,
  /** A partition key is a Unicode string of 1 to 256 characters (PutRecords API reference). */
  maxPartitionKeyLength: 256,
  /** Data blob plus partition key of one record: at most 1 MiB. */
  maxRecordBytes: 1024 * 1024,
  /** One PutRecords call: at most 500 records and 5 MiB in all. */
  maxRecordsPerPutRecords: 500,
  maxBytesPerPutRecords: 5 * 1024 * 1024,
  /** Per shard: 1 MiB/s or 1,000 records/s in, 2 MiB/s out, 5 GetRecords calls/s. */
  shardIngestBytesPerSecond: 1024 * 1024,
  shardIngestRecordsPerSecond: 1000,
  shardEgressBytesPerSecond: 2 * 1024 * 1024,
  shardGetRecordsCallsPerSecond: 5,
  /** GetRecords' Limit: at most 10,000 records a call (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html). */
  maxRecordsPerGetRecords: 10_000,
  /** ...and at most 10 MiB a call (the same page). */
  maxBytesPerGetRecords: 10 * 1024 * 1024,
} as const;

/** What counts against `maxRecordBytes` and the shards' byte rates: data plus partition key. */
export function recordBytes(partitionKey: string, data: Uint8Array): number {
  return data.length + Buffer.byteLength(partitionKey);
}

/**
 * What UpdateShardCount allows: at most ten calls per rolling 24 hours per stream, each to
 * at most double or at least half the current open shards, and never while the stream is
 * not ACTIVE. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateShardCount.html
 */
export const UPDATE_SHARD_COUNT_LIMITS = {
  maxCallsPer24Hours: 10,
  maxScaleUpFactor: 2,
  maxScaleDownFactor: 2,
} as const;

/** Capacity modes of a stream: https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html */
export const STREAM_MODES = ["PROVISIONED", "ON_DEMAND"] as const;
export type StreamMode = (typeof STREAM_MODES)[number];
