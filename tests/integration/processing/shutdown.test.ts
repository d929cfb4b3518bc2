/**
 * A processing worker stopped with SIGTERM (as ECS stops a task): it exits 0 within 30 s,
 * checkpoints what it processed and releases its leases, so a running peer takes them at
 * its next take cycle, long before the failover time, and resumes right after the
 * checkpoint: nothing lost, nothing repeated.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";

import { Lease, sequenceCheckpoint } from "../../../runtime/processing/leases/lease";
import { ConsumerTestbed } from "../../harness/consumer-testbed";
import { eventually } from "../../harness/eventually";
import { describeLeases, leasesByOwner, waitForLeases } from "../../harness/lease-views";
import { duplicates, readProcessed, storedAt, waitUntilProcessed } from "../../harness/processed-records";

/** Long on purpose: a takeover well within it cannot be an expiry, only a release. */
const FAILOVER_MS = 20_000;
/** Renewals and take cycles run at a third of the failover time (coordinator.ts). */
const CYCLE_MS = Math.floor(FAILOVER_MS / 3);
/** Timers, process scheduling on two busy cores, and the table polling of the test. */
const SCHEDULING_MARGIN_MS = 1_000;

describe("processing workers: SIGTERM", function () {
  this.timeout(120_000);
  let testbed: ConsumerTestbed;

  before(async () => {
    testbed = await ConsumerTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("exits 0, releases its leases, and a peer resumes them from the checkpoint well before the failover time", async () => {
    const stream = await testbed.createStream(4);
    const app = testbed.newApplication();
    const file = testbed.processedFile("shutdown");
    // Checkpoints every 30 s only: what the peer resumes from is the shutdown's checkpoint.
    const settings = { FAILOVER_MS: String(FAILOVER_MS), CHECKPOINT_INTERVAL_MS: "30000" };
    const a = testbed.startWorker({ stream, application: app, workerId: "worker-a", processedFile: file, settings });
    await waitForLeases(
      app.table,
      "worker-a to hold all 4 leases",
      (l) => leasesByOwner(l).get("worker-a")?.length === 4,
      15_000,
    );

    // worker-b steals one lease as it starts and one at its first take cycle; worker-a learns
    // of each at its next cycle. All before any record is written, so the steals repeat nothing.
    const b = testbed.startWorker({ stream, application: app, workerId: "worker-b", processedFile: file, settings });
    const balanced = await waitForLeases(
      app.table,
      "worker-b to steal two leases",
      (l) => leasesByOwner(l).get("worker-b")?.length === 2,
      CYCLE_MS + 10_000,
    );
    for (const shardId of leasesByOwner(balanced.leases).get("worker-b")!) {
      await eventually(
        () =>
          a
            .logLines()
            .some((line) => line.shardId === shardId && /^lease (taken by a peer|lost at renewal)$/.test(line.msg)),
        { what: `worker-a to notice that ${shardId} was stolen`, timeoutMs: CYCLE_MS + 5_000, process: a },
      );
    }

    const writer = await testbed.startWriter(stream, 20);
    writer.startFlowing(100);
    await sleep(2_000);
    const held = await app.table.list();
    const aShards = leasesByOwner(held).get("worker-a")!;
    expect(aShards, describeLeases(held)).to.have.lengthOf(2);

    const signalledAt = Date.now();
    const exit = await a.stop("SIGTERM", 30_000);
    const exitMs = Date.now() - signalledAt;
    const afterExit = await app.table.list();
    expect(exit, a.output()).to.deep.equal({ code: 0, signal: null });
    // Released: nobody, or already the peer. Never worker-a any more.
    const ofA = afterExit.filter((l) => aShards.includes(l.leaseKey));
    expect(
      ofA.filter((l) => l.owner === "worker-a").map((l) => l.leaseKey),
      "leases worker-a still holds after its exit",
    ).to.deep.equal([]);

    // The shutdown checkpoint is exactly the last record worker-a processed on each shard.
    const byA = (await readProcessed([file])).filter((r) => r.workerId === "worker-a");
    for (const shardId of aShards) {
      const last = byA.filter((r) => r.shardId === shardId).pop();
      expect(last, `records worker-a processed on ${shardId}`).to.not.equal(undefined);
      const lease = ofA.find((l) => l.leaseKey === shardId)!;
      expect(lease.checkpoint, `checkpoint of ${shardId}`).to.deep.equal(
        sequenceCheckpoint(last!.sequenceNumber, last!.subSequenceNumber ?? 0),
      );
    }

    const taken = await waitForLeases(
      app.table,
      "worker-b to take worker-a's released leases",
      (leases: Lease[]) => leasesByOwner(leases).get("worker-b")?.length === 4,
      FAILOVER_MS,
    );
    const takenMs = taken.at - signalledAt;
    console.log(
      `      SIGTERM: worker-a exited 0 after ${exitMs} ms, ${ofA.filter((l) => l.owner === undefined).length} of its ` +
        `${aShards.length} leases ownerless at its exit, all taken by worker-b ${takenMs} ms after the signal ` +
        `(FAILOVER_MS ${FAILOVER_MS}, take cycle ${CYCLE_MS} ms)`,
    );
    // At worker-b's next take cycle after the release: not a failover, which would take over FAILOVER_MS.
    expect(takenMs, "takeover after SIGTERM").to.be.at.most(exitMs + CYCLE_MS + SCHEDULING_MARGIN_MS);

    await sleep(1_500);
    await writer.stopFlowing();
    const processed = await waitUntilProcessed([file], writer.written, 30_000);
    const repeated = duplicates(processed).filter((copies) => aShards.includes(copies[0].shardId));
    expect(
      repeated.map((copies) => storedAt(copies[0])),
      "records of worker-a's shards processed twice: worker-b did not resume at the checkpoint",
    ).to.deep.equal([]);
    const resumed = processed.filter((r) => r.workerId === "worker-b" && aShards.includes(r.shardId));
    expect(resumed.length, "records of worker-a's shards that worker-b processed").to.be.above(0);
    expect(b.running, b.output()).to.equal(true);
  });
});
