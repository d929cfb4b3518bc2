/**
 * The shard consumer's optional caughtUp hook: called for a read at the tip that had nothing
 * to process (MillisBehindLatest 0, no records, not the shard's end), with the time its reader
 * vouches for (FetchedBatch.fetchedAt); never for other reads, nor for one whose reader vouches
 * for no time; and a processor without it is handed exactly what it was.
 */
import { expect } from "chai";
import { HeldLease } from "../../../runtime/processing/leases/held-lease";
import { Checkpoint, Lease, sequenceCheckpoint } from "../../../runtime/processing/leases/lease";
import { LeaseTable } from "../../../runtime/processing/leases/lease-table";
import { RecordProcessor } from "../../../runtime/processing/record-processor";
import { FetchedBatch, ShardReader, StreamRecord } from "../../../runtime/processing/retrieval/shard-reader";
import { ShardConsumer, ShardConsumerEvents } from "../../../runtime/processing/shard-consumer";

const SHARD = "shardId-000000000003";

/** A lease table that accepts every write of the one held lease. */
function heldLease(checkpoint: Checkpoint = { kind: "TRIM_HORIZON" }): HeldLease {
  const table = {
    checkpoint: async (l: Lease, cp: Checkpoint) => ({ ...l, counter: l.counter + 1, checkpoint: cp }),
    release: async () => true,
    renew: async (l: Lease) => ({ ...l, counter: l.counter + 1 }),
  } as unknown as LeaseTable;
  return new HeldLease(table, {
    leaseKey: SHARD,
    owner: "w-1",
    counter: 1,
    checkpoint,
    parentShardIds: [],
    ownerSwitchesSinceCheckpoint: 0,
  });
}

/** Hands out the scripted batches in order (the last one ends the shard). */
class ScriptedReader implements ShardReader {
  constructor(private readonly batches: FetchedBatch[]) {}
  async read(): Promise<FetchedBatch> {
    await new Promise((r) => setTimeout(r, 2));
    const next = this.batches.shift();
    if (!next) throw new Error("read past the scripted batches");
    return next;
  }
  close(): void {}
}

function record(seq: number): StreamRecord {
  return {
    partitionKey: "acme|k",
    data: Buffer.from(JSON.stringify({ seq })),
    sequenceNumber: String(1000 + seq),
    approximateArrivalTimestamp: new Date(Date.UTC(2026, 11, 7, 5, 0, seq)),
  };
}

/** The time each scripted read vouches for. */
const fetched = (n: number) => new Date(Date.UTC(2026, 11, 7, 6, 0, n));

/** Each read: whether it is the one the hook is for. */
const SCRIPT: { batch: FetchedBatch; atTip: boolean }[] = [
  {
    batch: { records: [record(1), record(2)], millisBehindLatest: 4000, shardEnded: false, fetchedAt: fetched(1) },
    atTip: false,
  },
  { batch: { records: [], millisBehindLatest: 0, shardEnded: false, fetchedAt: fetched(2) }, atTip: true },
  { batch: { records: [], millisBehindLatest: 2500, shardEnded: false, fetchedAt: fetched(3) }, atTip: false },
  { batch: { records: [record(3)], millisBehindLatest: 0, shardEnded: false, fetchedAt: fetched(4) }, atTip: false },
  // A throttled read (polling) or a closed subscription: no MillisBehindLatest.
  { batch: { records: [], shardEnded: false, fetchedAt: fetched(5) }, atTip: false },
  // A fan-out event that may have waited in its connection: its reader vouches for no time.
  { batch: { records: [], millisBehindLatest: 0, shardEnded: false }, atTip: false },
  { batch: { records: [], millisBehindLatest: 0, shardEnded: false, fetchedAt: fetched(7) }, atTip: true },
  { batch: { records: [], millisBehindLatest: 0, shardEnded: true, fetchedAt: fetched(8) }, atTip: false },
];

interface Seen {
  processed: string[][];
  caughtUp: { shardId: string; readAt: Date }[];
  ended: number;
  warnings: string[];
}

function recordingProcessor(seen: Seen, withHook: boolean, hookFails = false): RecordProcessor {
  const processor: RecordProcessor = {
    initialize: () => undefined,
    processRecords: async ({ records, checkpointer }) => {
      seen.processed.push(records.map((r) => r.sequenceNumber));
      await checkpointer.checkpoint();
    },
    leaseLost: () => undefined,
    shardEnded: async ({ checkpointer }) => {
      seen.ended++;
      await checkpointer.checkpoint();
    },
    shutdownRequested: () => undefined,
  };
  if (withHook) {
    processor.caughtUp = (input) => {
      seen.caughtUp.push(input);
      if (hookFails) throw new Error("bucket unreachable");
    };
  }
  return processor;
}

function events(seen: Seen): ShardConsumerEvents {
  return {
    log: (level, msg) => {
      if (level !== "info") seen.warnings.push(msg);
    },
    processed: () => undefined,
    behind: () => undefined,
    skipped: () => undefined,
    checkpointFailed: () => undefined,
  };
}

async function run(withHook: boolean, hookFails = false) {
  const seen: Seen = { processed: [], caughtUp: [], ended: 0, warnings: [] };
  const reader = new ScriptedReader(SCRIPT.map((s) => ({ ...s.batch, records: [...s.batch.records] })));
  const lease = heldLease();
  const consumer = new ShardConsumer(
    lease,
    reader,
    recordingProcessor(seen, withHook, hookFails),
    { processorMaxAttempts: 1, retryBaseMs: 1, retryMaxMs: 1 },
    events(seen),
  );
  const ending = await consumer.done;
  return { seen, ending, reader, lease };
}

describe("ShardConsumer: the caughtUp hook", () => {
  it("is called once for each read at the tip with nothing to process, with the time its reader vouches for", async () => {
    const { seen, ending } = await run(true);
    expect(ending).to.equal("shard-ended");
    const atTip = SCRIPT.filter((s) => s.atTip);
    expect(seen.caughtUp).to.deep.equal(atTip.map((s) => ({ shardId: SHARD, readAt: s.batch.fetchedAt })));
    expect(seen.warnings).to.deep.equal([]);
  });

  it("changes nothing for a processor without it", async () => {
    const withHook = await run(true);
    const without = await run(false);
    expect(without.ending).to.equal("shard-ended");
    expect(without.seen.processed).to.deep.equal([["1001", "1002"], ["1003"]]);
    expect(without.seen.processed).to.deep.equal(withHook.seen.processed);
    expect(without.seen.ended).to.equal(1);
    expect(without.seen.warnings).to.deep.equal([]);
    expect(without.lease.lease.checkpoint).to.deep.equal({ kind: "SHARD_END" });
  });

  it("a hook that throws is logged, and the shard goes on to its end", async () => {
    const { seen, ending } = await run(true, true);
    expect(ending).to.equal("shard-ended");
    expect(seen.caughtUp).to.have.lengthOf(2);
    expect(seen.processed).to.deep.equal([["1001", "1002"], ["1003"]]);
    expect(seen.warnings).to.have.lengthOf(2);
    expect(seen.warnings[0]).to.match(/caughtUp failed/);
  });

  it("a read whose records the lease's checkpoint already passed has nothing to process: at the tip, it calls the hook", async () => {
    const seen: Seen = { processed: [], caughtUp: [], ended: 0, warnings: [] };
    const reader = new ScriptedReader([
      { records: [record(1), record(2)], millisBehindLatest: 0, shardEnded: false, fetchedAt: fetched(1) },
      { records: [], millisBehindLatest: 0, shardEnded: true, fetchedAt: fetched(2) },
    ]);
    const consumer = new ShardConsumer(
      heldLease(sequenceCheckpoint("1002")),
      reader,
      recordingProcessor(seen, true),
      { processorMaxAttempts: 1, retryBaseMs: 1, retryMaxMs: 1 },
      events(seen),
    );
    expect(await consumer.done).to.equal("shard-ended");
    expect(seen.processed).to.deep.equal([]);
    expect(seen.caughtUp).to.have.lengthOf(1);
  });
});
