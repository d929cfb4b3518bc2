/**
 * Processing workers (the compiled service, as child processes) sharing a stream through
 * the lease table on dynalite: three workers on four shards settle at one or two leases
 * each, and stay there.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";

import { Lease } from "../../../runtime/processing/leases/lease";
import { ConsumerTestbed, FAST_WORKER_SETTINGS } from "../../harness/consumer-testbed";
import { balancedAmong, describeLeases, waitForLeases } from "../../harness/lease-views";
import { waitUntilProcessed } from "../../harness/processed-records";

const WORKERS = ["worker-a", "worker-b", "worker-c"];
const FAILOVER_MS = Number(FAST_WORKER_SETTINGS.FAILOVER_MS);

describe("processing workers: lease balance", function () {
  this.timeout(90_000);
  let testbed: ConsumerTestbed;

  before(async () => {
    testbed = await ConsumerTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("three workers on a 4-shard stream each hold one or two leases within 15 s, and keep them", async () => {
    const stream = await testbed.createStream(4);
    const app = testbed.newApplication();
    const file = testbed.processedFile("balance");
    const started = Date.now();
    const workers = WORKERS.map((workerId) =>
      testbed.startWorker({ stream, application: app, workerId, processedFile: file }),
    );

    const view = await waitForLeases(
      app.table,
      "every worker to hold 1 or 2 of the 4 leases",
      (leases) => balancedAmong(leases, WORKERS, 4),
      15_000,
    );
    console.log(`      balanced ${view.at - started} ms after the start: ${describeLeases(view.leases)}`);

    // Balanced is stable: a worker at target - 1 steals nothing from one at target. Two
    // take cycles later nobody has moved.
    await sleep((2 * FAILOVER_MS) / 3 + 500);
    const later = await app.table.list();
    const owner = (leases: Lease[]) => new Map(leases.map((l) => [l.leaseKey, l.owner]));
    expect(owner(later), describeLeases(later)).to.deep.equal(owner(view.leases));

    // And the owners process: every record written now is processed, by the worker holding its shard.
    const writer = await testbed.startWriter(stream, 20);
    await writer.writeRounds(5);
    const processed = await waitUntilProcessed([file], writer.written, 20_000);
    const ownerOf = owner(later);
    const wrongWorker = processed.filter((r) => ownerOf.get(r.shardId) !== r.workerId);
    expect(wrongWorker, "records processed by a worker not holding the shard").to.deep.equal([]);
    for (const w of workers) expect(w.running, `${w.workerId} running\n${w.output()}`).to.equal(true);
  });
});
