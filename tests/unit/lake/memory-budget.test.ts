/**
 * One memory budget for all of a lake worker's shards: many shards written at once under a
 * small budget never buffer more than it together (the budget's own count of buffered record
 * bytes, not the process's RSS), and every record still lands in the lake once.
 */
import { expect } from "chai";
import { parquetReadObjects } from "hyparquet";
import { sequenceCheckpoint } from "../../../runtime/processing/leases/lease";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";
import { LakeStore, MemoryLakeStore, PutOutcome } from "../../../runtime/lake/lake-store";
import { ShardLakeWriter, SegmentWritten } from "../../../runtime/lake/lake-writer";
import { MemoryBudget } from "../../../runtime/lake/memory-budget";
import { heldBytesOf } from "../../../runtime/lake/memory-cut";

/** A bucket that answers on a later turn of the event loop, as S3 does: other shards go on meanwhile. */
class SlowStore implements LakeStore {
  failing = new Set<string>();
  constructor(readonly inner = new MemoryLakeStore()) {}
  async putIfAbsent(key: string, body: Uint8Array): Promise<PutOutcome> {
    await new Promise((r) => setImmediate(r));
    if ([...this.failing].some((shard) => key.includes(shard))) throw new Error(`S3 refused ${key}`);
    return this.inner.putIfAbsent(key, body);
  }
  async put(key: string, body: Uint8Array): Promise<void> {
    await new Promise((r) => setImmediate(r));
    return this.inner.put(key, body);
  }
  async get(key: string): Promise<Buffer | undefined> {
    await new Promise((r) => setImmediate(r));
    return this.inner.get(key);
  }
}

const shardId = (i: number) => `shardId-${String(i).padStart(12, "0")}`;

/** Records whose data is `size` bytes each. */
function records(shard: string, count: number, size: number): ConsumerRecord[] {
  const data = (n: number) => {
    const pad = size - JSON.stringify({ n, pad: "" }).length;
    return Buffer.from(JSON.stringify({ n, pad: "x".repeat(pad) }));
  };
  return Array.from({ length: count }, (_, n) => ({
    shardId: shard,
    tenant: "acme",
    partitionKey: `acme|k${n}`,
    data: data(n),
    sequenceNumber: String(1000 + n * 3),
    approximateArrivalTimestamp: new Date(Date.UTC(2026, 11, 7, 3, 0, n)),
  }));
}

const checkpointer = {
  checkpoint: async () => undefined,
  checkpointAt: async (r: { sequenceNumber: string; subSequenceNumber?: number }) =>
    void sequenceCheckpoint(r.sequenceNumber, r.subSequenceNumber ?? 0),
};

function writer(shard: string, store: LakeStore, budget: MemoryBudget, onSegment?: (w: SegmentWritten) => void) {
  const w = new ShardLakeWriter(shard, {
    store,
    schemas: async () => undefined,
    // Neither size nor age cuts here: only the budget does.
    roll: { maxBytes: 512 * 1024 * 1024, maxAgeMs: 3_600_000 },
    ageCheckMs: 3_600_000,
    budget,
    onSegment,
  });
  w.initialize();
  return w;
}

/** How many times each record (`<shard> <sequence>`) is a row in the bucket. */
async function rowsIn(store: MemoryLakeStore): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (const [key, body] of store.objects) {
    if (!key.endsWith(".parquet")) continue;
    const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    const rows = (await parquetReadObjects({ file, columns: ["shard_id", "sequence_number"] })) as {
      shard_id: string;
      sequence_number: string;
    }[];
    for (const r of rows) {
      const id = `${r.shard_id} ${r.sequence_number}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  return seen;
}

describe("lake memory budget: all of a worker's shards together", () => {
  // Budgets in records: a record counts its data and its row's objects (heldBytesOf).
  const cases = [
    { shards: 16, perShard: 60, size: 100, batch: 7, budgetRecords: 30 },
    { shards: 8, perShard: 80, size: 300, batch: 13, budgetRecords: 8.3 },
    // The budget holds barely one shard's batch: segments are cut nearly record by record.
    { shards: 5, perShard: 30, size: 400, batch: 3, budgetRecords: 2.25 },
  ].map((c) => {
    const held = heldBytesOf({ bytes: c.size });
    return { ...c, held, budgetBytes: Math.floor(c.budgetRecords * held) };
  });
  for (const c of cases) {
    it(`${c.shards} shards of ${c.size} B records under ${c.budgetBytes} B: never more buffered, every record once`, async () => {
      const bucket = new MemoryLakeStore();
      const store = new SlowStore(bucket);
      const budget = new MemoryBudget(c.budgetBytes);
      const causes: string[] = [];
      const shards = Array.from({ length: c.shards }, (_, i) => shardId(i));
      const all = new Map(shards.map((s) => [s, records(s, c.perShard, c.size)]));
      const writers = shards.map((s) => writer(s, store, budget, (w) => causes.push(w.cause)));
      // Every shard's batches at once, as a worker's shard consumers hand them.
      await Promise.all(
        writers.map(async (w, i) => {
          const rs = all.get(shards[i])!;
          for (let at = 0; at < rs.length; at += c.batch) {
            await w.processRecords({ records: rs.slice(at, at + c.batch), checkpointer });
          }
        }),
      );
      const heldBeforeEnd = budget.peakBytes;
      await Promise.all(writers.map((w) => w.shardEnded({ checkpointer })));

      const total = c.shards * c.perShard;
      expect(heldBeforeEnd, "the budget was in use").to.be.greaterThan(c.budgetBytes - c.held);
      expect(budget.peakBytes, "buffered bytes at their peak").to.be.at.most(c.budgetBytes);
      // The roll size and time never cut: every segment was cut for memory or at its shard's end.
      expect(causes.filter((cause) => cause !== "memory" && cause !== "shard-end")).to.deep.equal([]);
      expect(causes.filter((cause) => cause === "memory").length).to.be.at.least(c.shards);
      const seen = await rowsIn(bucket);
      const missing = [...all.values()].flat().filter((r) => !seen.has(`${r.shardId} ${r.sequenceNumber}`)).length;
      const duplicated = [...seen.values()].filter((n) => n > 1).length;
      expect({ missing, duplicated, rows: seen.size }).to.deep.equal({ missing: 0, duplicated: 0, rows: total });
      expect(budget.heldBytes()).to.equal(0);
      // Ended shards leave the budget: a worker that sees many reshards keeps no writer of theirs.
      expect(budget.holderCount()).to.equal(0);
    });
  }

  it("one shard alone at the budget cuts its own segment, and the record opens the next", async () => {
    const bucket = new MemoryLakeStore();
    const held = heldBytesOf({ bytes: 200 });
    const budget = new MemoryBudget(5 * held);
    const stored: SegmentWritten[] = [];
    const w = writer(shardId(1), bucket, budget, (s) => stored.push(s));
    const rs = records(shardId(1), 12, 200);
    await w.processRecords({ records: rs, checkpointer });
    expect(budget.peakBytes).to.be.at.most(5 * held);
    // 200-byte records, room for five: five fill the budget exactly, the sixth cuts them.
    expect(stored.map((s) => s.written.reduce((n, o) => n + o.rows, 0))).to.deep.equal([5, 5]);
    expect(budget.heldBytes()).to.equal(2 * held);
  });

  it("a cut asked of another shard that fails fails the asking shard's batch, to be retried", async () => {
    const store = new SlowStore();
    const budget = new MemoryBudget(2_000);
    const big = writer(shardId(1), store, budget);
    const small = writer(shardId(2), store, budget);
    await big.processRecords({ records: records(shardId(1), 8, 200), checkpointer });
    store.failing.add(shardId(1));
    let error: unknown;
    await small.processRecords({ records: records(shardId(2), 4, 200), checkpointer }).catch((e) => (error = e));
    expect(String(error)).to.match(
      /cutting shard shardId-000000000001's segment to stay within .* memory budget failed/,
    );
    store.failing.clear();
    // The retry: the big shard's segment is cut this time and the batch fits.
    await small.processRecords({ records: records(shardId(2), 4, 200), checkpointer });
    expect(budget.peakBytes).to.be.at.most(2_000);
  });

  it("a batch that failed waiting for room leaves no empty segment behind: shutdown completes", async () => {
    const store = new SlowStore();
    const budget = new MemoryBudget(2_000);
    const big = writer(shardId(1), store, budget);
    const small = writer(shardId(2), store, budget);
    await big.processRecords({ records: records(shardId(1), 10, 200), checkpointer });
    store.failing.add(shardId(1));
    // Its first record opens a segment and then waits for room that never comes.
    const failed = await small.processRecords({ records: records(shardId(2), 1, 200), checkpointer }).then(
      () => false,
      () => true,
    );
    expect(failed).to.equal(true);
    await small.shutdownRequested({ checkpointer });
    expect(budget.segments().map((s) => s.shardId)).to.deep.equal([shardId(1)]);
  });
});
