/**
 * A processing worker killed outright (`kill -9`: no checkpoint, no release) while records
 * keep flowing: its peers take its shards once its leases expire, nothing written is lost,
 * and the only records processed twice are those the dead worker processed after its last
 * checkpoint.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";

import { isCheckpointed, Lease } from "../../../runtime/processing/leases/lease";
import { LeaseTable } from "../../../runtime/processing/leases/lease-table";
import { ConsumerTestbed, FAST_WORKER_SETTINGS } from "../../harness/consumer-testbed";
import { eventually } from "../../harness/eventually";
import { balancedAmong, describeLeases, leasesByOwner, waitForLeases } from "../../harness/lease-views";
import { duplicates, storedAt, waitUntilProcessed } from "../../harness/processed-records";

const WORKERS = ["worker-a", "worker-b", "worker-c"];
const FAILOVER_MS = Number(FAST_WORKER_SETTINGS.FAILOVER_MS);
/** Owners renew at a third of the failover time; peers run take cycles at a sixth (coordinator.ts). */
const RENEW_MS = Math.floor(FAILOVER_MS / 3);
const TAKE_CYCLE_MS = Math.floor(FAILOVER_MS / 6);
/** Timers, process scheduling on two busy cores, and the 50 ms table polling of the test. */
const SCHEDULING_MARGIN_MS = 500;

/**
 * Polls the lease table every 50 ms until each of `shards` has an owner other than
 * `victimId`; returns, per shard, when that was first seen, in ms after `killedAt`.
 */
async function watchTakeover(
  table: LeaseTable,
  shards: readonly string[],
  victimId: string,
  killedAt: number,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const takenAfter = new Map<string, number>();
  let last: Lease[] = [];
  return eventually(
    async () => {
      last = await table.list();
      const seenAt = Date.now() - killedAt;
      for (const lease of last) {
        const moved = lease.owner !== undefined && lease.owner !== victimId;
        if (shards.includes(lease.leaseKey) && moved && !takenAfter.has(lease.leaseKey))
          takenAfter.set(lease.leaseKey, seenAt);
      }
      return takenAfter.size === shards.length && takenAfter;
    },
    {
      what: `${victimId}'s shards to be taken (at most ${timeoutMs} ms after the kill)`,
      // Bounded from the kill, not from this call.
      timeoutMs: Math.max(0, timeoutMs - (Date.now() - killedAt)),
      intervalMs: 50,
      details: () => `last view: ${describeLeases(last)}`,
    },
  );
}

describe("processing workers: failover after kill -9", function () {
  this.timeout(120_000);
  let testbed: ConsumerTestbed;

  before(async () => {
    testbed = await ConsumerTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("moves a killed worker's shards within the failover time, loses nothing, and repeats only its uncheckpointed records", async () => {
    const stream = await testbed.createStream(4);
    const app = testbed.newApplication();
    // A file per worker: a worker killed mid-append may leave a torn line, which must not
    // land in the middle of its peers' lines.
    const files = new Map(WORKERS.map((w) => [w, testbed.processedFile(w)]));
    const workers = WORKERS.map((workerId) =>
      testbed.startWorker({
        stream,
        application: app,
        workerId,
        processedFile: files.get(workerId)!,
        // A second between checkpoints: the killed worker leaves a window of records to repeat.
        settings: { CHECKPOINT_INTERVAL_MS: "1000" },
      }),
    );
    const paths = [...files.values()];
    // Balanced before any record is written, so the steals of the start cause no repeats.
    await waitForLeases(
      app.table,
      "every worker to hold 1 or 2 of the 4 leases",
      (leases) => balancedAmong(leases, WORKERS, 4),
      15_000,
    );
    // A worker whose lease was stolen at the start learns it at its next renewal or take
    // cycle, and processes the shard until then: let that pass before records flow.
    await sleep(RENEW_MS + 1_000);

    const writer = await testbed.startWriter(stream, 20);
    writer.startFlowing(100);
    // Every worker has checkpointed at least once, so the victim's window is since a real checkpoint.
    await waitForLeases(
      app.table,
      "a checkpoint on every shard",
      (leases) => leases.every((l) => l.checkpoint.kind === "SEQUENCE"),
      15_000,
    );
    await sleep(2_000);

    // The victim is the worker with two shards: the most to move. Its checkpoints are read
    // just before the kill, so its real last checkpoint is at or after them.
    const before = await app.table.list();
    const [victimId, victimShards] = [...leasesByOwner(before)].find(([, shards]) => shards.length === 2)!;
    const victim = workers.find((w) => w.workerId === victimId)!;
    const checkpointAtKill = new Map(before.map((l) => [l.leaseKey, l.checkpoint]));
    const killedAt = Date.now();
    await victim.killHard();

    const takenAfter = await watchTakeover(app.table, victimShards, victimId, killedAt, FAILOVER_MS * 4);
    const first = Math.min(...takenAfter.values());
    const last = Math.max(...takenAfter.values());
    console.log(
      `      failover: ${victimId}'s shards taken ${[...takenAfter].map(([s, ms]) => `${s} after ${ms} ms`).join(", ")} ` +
        `of kill -9 (FAILOVER_MS ${FAILOVER_MS}, renewal ${RENEW_MS} ms, take cycle ${TAKE_CYCLE_MS} ms)`,
    );
    // Not before the leases could have expired: the victim renewed at most one renewal period
    // before the kill, and a peer waits more than FAILOVER_MS from when it saw that renewal.
    expect(first, "taken before the leases expired").to.be.at.least(FAILOVER_MS - RENEW_MS);
    // The lease protocol's bound (LEASES.md): within the failover time plus one renewal period. A peer sees the
    // victim's last renewal at most one take cycle late and takes the lease at most one take
    // cycle after it expires (2 x FAILOVER_MS/6); a peer that loses the race for a lease takes
    // a spare one in the same cycle.
    expect(last, "every shard taken within FAILOVER_MS + one renewal period of the kill").to.be.at.most(
      FAILOVER_MS + RENEW_MS + SCHEDULING_MARGIN_MS,
    );

    // Records keep flowing through the takeover and a little after; then everything written is processed.
    await sleep(1_500);
    await writer.stopFlowing();
    const processed = await waitUntilProcessed(paths, writer.written, 30_000);

    const repeated = duplicates(processed);
    const notVictims = repeated.filter(
      (copies) => !victimShards.includes(copies[0].shardId) || !copies.some((c) => c.workerId === victimId),
    );
    expect(
      notVictims.map((copies) => storedAt(copies[0])),
      "repeated records that were not on the killed worker's shards",
    ).to.deep.equal([]);
    const checkpointed = repeated.filter((copies) => {
      const r = copies[0];
      return isCheckpointed(checkpointAtKill.get(r.shardId)!, r.sequenceNumber, r.subSequenceNumber ?? 0);
    });
    expect(
      checkpointed.map((copies) => storedAt(copies[0])),
      "repeated records at or before the killed worker's last checkpoint",
    ).to.deep.equal([]);
    const processedByVictim = processed.filter((r) => r.workerId === victimId).length;
    expect(processedByVictim, "records the victim processed before the kill").to.be.above(0);
    console.log(
      `      ${writer.written.length} records written, ${processed.length} processings, ` +
        `${repeated.length} records processed twice (all from ${victimId}'s window since its checkpoint; ` +
        `it processed ${processedByVictim} in all)`,
    );
    for (const w of workers.filter((w) => w !== victim)) {
      expect(w.running, `${w.workerId} running\n${w.output()}`).to.equal(true);
    }
  });
});
