/**
 * Defaults of the ingest service. The batching ones are the Kinesis Producer Library's, so
 * our producer behaves as the reference architecture's KPL-based one does:
 * https://github.com/awslabs/amazon-kinesis-producer/blob/master/java/amazon-kinesis-producer-sample/default_config.properties
 */
import { STREAM_LIMITS } from "../stream/limits";

export const KPL_DEFAULTS = {
  /** AggregationMaxSize: largest aggregated record, in bytes. */
  aggregationMaxSize: 51_200,
  /** RecordMaxBufferedTime: longest a record waits in a buffer before it is sent. */
  recordMaxBufferedTimeMs: 100,
  /** CollectionMaxCount / CollectionMaxSize: one PutRecords call, at the API's limits. */
  collectionMaxCount: STREAM_LIMITS.maxRecordsPerPutRecords,
  collectionMaxSize: STREAM_LIMITS.maxBytesPerPutRecords,
  /** RecordTtl: a record not written by then fails (here: its HTTP request gets 503). */
  recordTtlMs: 30_000,
  /** MaxConnections: concurrent PutRecords calls. */
  maxConnections: 24,
} as const;

export const INGEST_DEFAULTS = {
  port: 8080,
  /** Records accepted but not yet written; past it requests get 503 + Retry-After. */
  pendingLimitRecords: 20_000,
  /** The same bound in bytes: what keeps memory flat under a slow stream. */
  pendingLimitBytes: 64 * 1024 * 1024,
  /** A request body: a /batch of up to 5 MiB of records plus JSON overhead. */
  maxBodyBytes: 6 * 1024 * 1024,
  /** How often the shard map is refreshed even without a sign of resharding. */
  shardMapRefreshMs: 60_000,
  /** First retry delay and its cap, for exponential backoff with full jitter. */
  retryBaseMs: 100,
  retryMaxMs: 5_000,
  /** The ECS stop timeout is 30 s: drain within 25 s so the process exits on its own. */
  drainTimeoutMs: 25_000,
} as const;
