/**
 * The ended shards' progress a lake worker publishes from the lease table: `shardEnded` for
 * each lease at SHARD_END whose progress lacks it, keeping the W it had; nothing for other
 * leases or progress that already says so.
 */
import { expect } from "chai";
import { publishEndedShards } from "../../../runtime/lake/ended-shards";
import { MemoryLakeStore } from "../../../runtime/lake/lake-store";
import { progressKey } from "../../../runtime/lake/object-keys";
import { parseProgress, progressBody, ShardProgress } from "../../../runtime/lake/progress";
import {
  Checkpoint,
  Lease,
  SHARD_END,
  sequenceCheckpoint,
  TRIM_HORIZON,
} from "../../../runtime/processing/leases/lease";

const lease = (shard: number, checkpoint: Checkpoint): Lease => ({
  leaseKey: `shardId-${String(shard).padStart(12, "0")}`,
  owner: undefined,
  counter: 3,
  checkpoint,
  parentShardIds: [],
  ownerSwitchesSinceCheckpoint: 0,
});
const NOW = new Date("2026-12-07T12:00:00.000Z");
const W = "2026-12-07T11:00:00.000Z";
const progress = (shardId: string, over: Partial<ShardProgress>): ShardProgress => ({
  shardId,
  storedBefore: W,
  shardEnded: false,
  writtenAt: W,
  ...over,
});

describe("lake: ended shards' progress from the lease table", () => {
  it("publishes shardEnded where the lease is at SHARD_END and the progress does not say so, and only there", async () => {
    const store = new MemoryLakeStore();
    const leases = [
      lease(0, SHARD_END), // no progress at all (ended before progress existed)
      lease(1, SHARD_END), // an older W over the ended one
      lease(2, SHARD_END), // ended already
      lease(3, sequenceCheckpoint("1000")), // still being read
      lease(4, TRIM_HORIZON),
      lease(5, SHARD_END), // an unreadable object
    ];
    const key = (i: number) => progressKey(leases[i].leaseKey);
    await store.put(key(1), Buffer.from(progressBody(progress(leases[1].leaseKey, {}))));
    const ended = progressBody(progress(leases[2].leaseKey, { shardEnded: true }));
    await store.put(key(2), Buffer.from(ended));
    const reading = progressBody(progress(leases[3].leaseKey, {}));
    await store.put(key(3), Buffer.from(reading));
    await store.put(key(5), Buffer.from("not json"));

    const published = await publishEndedShards(leases, store, NOW);
    expect(published).to.deep.equal([leases[0].leaseKey, leases[1].leaseKey, leases[5].leaseKey]);
    const read = (i: number) => parseProgress(store.objects.get(key(i))!.toString("utf8"));
    expect(read(0)).to.deep.equal(
      progress(leases[0].leaseKey, { storedBefore: null, shardEnded: true, writtenAt: NOW.toISOString() }),
    );
    // Its W kept: it was true, and stays so.
    expect(read(1)).to.deep.equal(progress(leases[1].leaseKey, { shardEnded: true, writtenAt: NOW.toISOString() }));
    expect(store.objects.get(key(2))!.toString()).to.equal(ended);
    expect(store.objects.get(key(3))!.toString()).to.equal(reading);
    expect(store.objects.has(key(4))).to.equal(false);
    expect(read(5).shardEnded).to.equal(true);

    // Done once: a second pass writes nothing.
    expect(await publishEndedShards(leases, store, NOW)).to.deep.equal([]);
  });
});
