import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { Coordinator, CoordinatorEvents } from "../../../runtime/processing/coordinator";
import { Lease, TRIM_HORIZON } from "../../../runtime/processing/leases/lease";
import { LeaseTable } from "../../../runtime/processing/leases/lease-table";
import { RecordProcessor } from "../../../runtime/processing/record-processor";

/** A lease table in memory whose Scan (list) can be made slow, counting renewals. */
class SlowScanTable {
  leases = new Map<string, Lease>();
  renewals = 0;
  scanMs = 0;
  async list(): Promise<Lease[]> {
    await sleep(this.scanMs);
    return [...this.leases.values()];
  }
  async createIfAbsent(lease: Lease): Promise<boolean> {
    if (this.leases.has(lease.leaseKey)) return false;
    this.leases.set(lease.leaseKey, lease);
    return true;
  }
  async take(lease: Lease, owner: string): Promise<Lease | undefined> {
    const next = { ...lease, owner, counter: lease.counter + 1 };
    this.leases.set(lease.leaseKey, next);
    return next;
  }
  async renew(lease: Lease): Promise<Lease | undefined> {
    this.renewals++;
    const next = { ...lease, counter: lease.counter + 1 };
    this.leases.set(lease.leaseKey, next);
    return next;
  }
  async checkpoint(lease: Lease): Promise<Lease | undefined> {
    return lease;
  }
  async release(): Promise<boolean> {
    return true;
  }
}

const NO_EVENTS: CoordinatorEvents = {
  log: () => undefined,
  processed: () => undefined,
  behind: () => undefined,
  skipped: () => undefined,
  checkpointFailed: () => undefined,
  leasesHeld: () => undefined,
  leaseTaken: () => undefined,
};

const IDLE_PROCESSOR: RecordProcessor = {
  initialize: () => undefined,
  processRecords: () => undefined,
  leaseLost: () => undefined,
  shardEnded: () => undefined,
  shutdownRequested: () => undefined,
};

describe("Coordinator: renewals and scans", () => {
  it("keeps renewing its leases every third of the failover time while a lease Scan hangs", async () => {
    const table = new SlowScanTable();
    const kinesis = {
      send: async () => ({ Shards: [{ ShardId: "shardId-000000000000" }] }),
    } as unknown as KinesisClient;
    let closed = false;
    const coordinator = new Coordinator(
      kinesis,
      table as unknown as LeaseTable,
      () => ({
        read: async () => {
          await sleep(20);
          return { records: [], shardEnded: false };
        },
        close: () => (closed = true),
      }),
      () => IDLE_PROCESSOR,
      {
        workerId: "w1",
        streamName: "s",
        failoverMs: 300,
        initialPosition: TRIM_HORIZON,
        shardSyncIntervalMs: 60_000,
        processorMaxAttempts: 3,
        retryBaseMs: 10,
        retryMaxMs: 100,
      },
      NO_EVENTS,
    );
    await coordinator.start();
    try {
      expect(coordinator.heldShards()).to.deep.equal(["shardId-000000000000"]);
      // From now on every Scan takes 2 s: far longer than the 300 ms failover time.
      table.scanMs = 2_000;
      const before = table.renewals;
      await sleep(700);
      // Renewals every 100 ms: about 7 in 700 ms. Queued behind the hanging Scan, at most 1.
      expect(table.renewals - before).to.be.at.least(4);
    } finally {
      await coordinator.shutdown(3_000);
    }
    expect(closed).to.equal(true);
  });
});
