/**
 * How many shards a write load needs: the one rule the shard scaler's policy, the cost
 * estimate and its renderings size with. A shard takes 1 MiB/s or 1,000 records/s, whichever
 * fills first (STREAM_LIMITS, from Kinesis's quotas page).
 */
import { STREAM_LIMITS } from "./limits";

/** A write load in shards at 100%: the busier of its records and its bytes. */
export function loadInShards(recordsPerSecond: number, bytesPerSecond: number): number {
  return Math.max(
    recordsPerSecond / STREAM_LIMITS.shardIngestRecordsPerSecond,
    bytesPerSecond / STREAM_LIMITS.shardIngestBytesPerSecond,
  );
}

/**
 * The fewest shards (at least 1) that carry `shardLoad` at `targetUsage` of their capacity.
 * The rounding guard keeps 4 shards at 0.9 on 6, not 7 (4 x 0.9 / 0.6 = 6.000000000000001).
 */
export function shardsAtUsage(shardLoad: number, targetUsage: number): number {
  return Math.max(1, Math.ceil(shardLoad / targetUsage - 1e-9));
}
