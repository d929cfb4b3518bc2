/**
 * Ended shards whose progress does not say so. A lease checkpointed SHARD_END is one whose
 * writer stored every segment of its shard; that writer publishes `shardEnded` right after
 * (lake-writer.ts), but the write may fail for good, a writer that has not noticed it lost
 * its lease may write an older W over it, and a shard that ended before writers published
 * progress has none. No worker holds such a lease again, so without this the compactor would
 * wait on the shard until it leaves ListShards (the stream's retention). Each lake worker
 * goes over the lease table now and then and publishes `shardEnded` where it is missing:
 * true by the lease alone, whoever writes it.
 */
import { Lease } from "../processing/leases/lease";
import { LakeStore } from "./lake-store";
import { progressKey } from "./object-keys";
import { parseProgress, progressBody, ShardProgress } from "./progress";

/** How often a worker looks (a GET per ended shard whose lease is still in the table). */
export const ENDED_SHARDS_INTERVAL_MS = 5 * 60_000;

/** Publishes `shardEnded` for each lease at SHARD_END whose progress object lacks it; returns their shard ids. */
export async function publishEndedShards(leases: readonly Lease[], store: LakeStore, now: Date): Promise<string[]> {
  const published: string[] = [];
  for (const lease of leases) {
    if (lease.checkpoint.kind !== "SHARD_END") continue;
    const key = progressKey(lease.leaseKey);
    const body = await store.get(key);
    let current: ShardProgress | undefined;
    try {
      current = body === undefined ? undefined : parseProgress(body.toString("utf8"));
    } catch {
      // Unreadable: replaced by a true one.
      current = undefined;
    }
    if (current?.shardEnded) continue;
    const progress: ShardProgress = {
      shardId: lease.leaseKey,
      storedBefore: current?.storedBefore ?? null,
      shardEnded: true,
      writtenAt: now.toISOString(),
    };
    await store.put(key, Buffer.from(progressBody(progress)), "application/json");
    published.push(lease.leaseKey);
  }
  return published;
}
