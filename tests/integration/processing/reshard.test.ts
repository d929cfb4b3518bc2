/**
 * A reshard from 4 to 8 shards (UpdateShardCount, UNIFORM_SCALING) while records flow and
 * three workers process: every parent is finished (SHARD_END) before its children start,
 * so for every partition key the records of the parent are processed before any of the
 * child, and per key the records are processed in the order they were written. Nothing is lost.
 *
 * All workers append to one processed file, so its line order is the order of processing
 * across them. A record may be processed twice (a lease moving between workers), so the
 * checks look at each record's first processing: that is what the protocol orders.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";

import { ListShardsCommand, Shard } from "@aws-sdk/client-kinesis";

import { ConsumerTestbed } from "../../harness/consumer-testbed";
import { leasesByOwner, waitForLeases } from "../../harness/lease-views";
import {
  duplicates,
  firstProcessings,
  ProcessedRecord,
  readProcessed,
  recordKey,
  storedAt,
  waitUntilProcessed,
} from "../../harness/processed-records";

const WORKERS = ["worker-a", "worker-b", "worker-c"];

/** Per key, the numbers whose first processing came after a higher number's. */
function outOfOrder(first: readonly ProcessedRecord[]): string[] {
  const highest = new Map<string, number>();
  const late: string[] = [];
  for (const r of first) {
    const seen = highest.get(r.key) ?? -1;
    if (r.n < seen) late.push(`${r.key}#${r.n} after #${seen}`);
    highest.set(r.key, Math.max(seen, r.n));
  }
  return late;
}

/**
 * Per key, child records processed before the last first processing of a parent record:
 * the order across the reshard that waiting for SHARD_END guarantees.
 */
function childBeforeParent(
  processed: readonly ProcessedRecord[],
  first: readonly ProcessedRecord[],
  parents: ReadonlySet<string>,
): string[] {
  const lastParentLine = new Map<string, number>();
  for (const r of first) {
    if (parents.has(r.shardId)) lastParentLine.set(r.key, Math.max(lastParentLine.get(r.key) ?? -1, r.line));
  }
  return processed
    .filter((r) => !parents.has(r.shardId) && r.line < (lastParentLine.get(r.key) ?? -1))
    .map(
      (r) =>
        `${r.key}#${r.n} on ${r.shardId} (line ${r.line}) before ${r.key}'s last parent record (line ${lastParentLine.get(r.key)})`,
    );
}

/** Records with copies at two places in the stream: the producer resends what an aggregate put in the wrong child. */
function storedTwice(processed: readonly ProcessedRecord[]): number {
  const places = new Map<string, Set<string>>();
  for (const r of processed) places.set(recordKey(r), (places.get(recordKey(r)) ?? new Set()).add(storedAt(r)));
  return [...places.values()].filter((p) => p.size > 1).length;
}

describe("processing workers: reshard 4 -> 8", function () {
  this.timeout(120_000);
  let testbed: ConsumerTestbed;

  before(async () => {
    testbed = await ConsumerTestbed.start();
  });
  afterEach(async () => testbed.cleanUp());
  after(async () => testbed?.stop());

  it("finishes every parent before its children, keeps per-key order, and loses nothing", async () => {
    const stream = await testbed.createStream(4);
    const app = testbed.newApplication();
    const file = testbed.processedFile("reshard");
    const listShards = async () =>
      (await testbed.kinesis.send(new ListShardsCommand({ StreamName: stream.streamName }))).Shards ?? [];
    const parents = new Set((await listShards()).map((s) => s.ShardId!));
    // A backlog first, and one Kinesis record (an aggregate) per GetRecords call: the workers
    // read 5 a second per shard, so the parents still have records to process when the
    // children open. Without a backlog, the order across the reshard is not put to the test.
    // 40 keys: every one of the 8 children gets some (their hash ranges are eighths).
    const writer = await testbed.startWriter(stream, 40);
    await writer.writeRounds(25);
    const workers = WORKERS.map((workerId) =>
      testbed.startWorker({ stream, application: app, workerId, processedFile: file, settings: { MAX_RECORDS: "1" } }),
    );
    await waitForLeases(
      app.table,
      "the 4 leases to be taken",
      (l) => l.length === 4 && l.every((x) => x.owner),
      15_000,
    );
    writer.startFlowing(100);
    await sleep(1_000);
    await testbed.reshard(stream, 8);
    const reshardedAtRound = writer.rounds;
    const processedAtReshard = (await readProcessed([file])).filter((r) => parents.has(r.shardId)).length;
    const backlog = writer.written.filter((w) => parents.has(w.shardId)).length - processedAtReshard;
    expect(backlog, "parent records not yet processed when the children opened").to.be.above(0);
    await sleep(2_500);
    await writer.stopFlowing();
    const processed = await waitUntilProcessed([file], writer.written, 60_000);

    const shards = await listShards();
    const children = shards.filter((s): s is Shard & { ParentShardId: string } => s.ParentShardId !== undefined);
    expect(shards.filter((s) => s.ParentShardId === undefined).map((s) => s.ShardId)).to.have.members([...parents]);
    expect(children.length, "children").to.equal(8);

    // The lease table: parents finished, each child's lease knows its parent.
    const done = await waitForLeases(
      app.table,
      "every parent lease at SHARD_END",
      (leases) =>
        leases.length === 12 && leases.every((l) => !parents.has(l.leaseKey) || l.checkpoint.kind === "SHARD_END"),
      15_000,
    );
    for (const child of children) {
      const lease = done.leases.find((l) => l.leaseKey === child.ShardId)!;
      expect(lease.parentShardIds, `parents of ${child.ShardId}`).to.deep.equal([child.ParentShardId]);
    }

    // The reshard happened mid-stream: every parent and every child had records processed.
    const shardsProcessed = new Set(processed.map((r) => r.shardId));
    for (const s of shards) expect(shardsProcessed.has(s.ShardId!), `records processed on ${s.ShardId}`).to.equal(true);

    const first = firstProcessings(processed);
    expect(outOfOrder(first), "records processed out of order for their key").to.deep.equal([]);
    expect(
      childBeforeParent(processed, first, parents),
      "child records processed before the parent was done",
    ).to.deep.equal([]);

    console.log(
      `      ${writer.written.length} records in ${writer.rounds} rounds (reshard after round ${reshardedAtRound}, ` +
        `${backlog} parent records then unprocessed), ` +
        `${processed.length} processings, ${duplicates(processed).length} stored copies processed twice, ` +
        `${storedTwice(processed)} records stored twice (an aggregate of the old shard map resent in part); ` +
        `leases by owner at the end: ${[...leasesByOwner(done.leases)].map(([w, s]) => `${w} ${s.length}`).join(", ")}`,
    );
    for (const w of workers) expect(w.running, `${w.workerId} running\n${w.output()}`).to.equal(true);
  });
});
