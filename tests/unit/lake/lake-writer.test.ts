/**
 * The exactly-once protocol of the lake writer (EXACTLY-ONCE.md) at the processor's
 * interface, against an in-memory bucket: writers that die mid-segment, zombies racing the
 * new owner with other roll settings, retried batches. Each case reads every object back with
 * an independent Parquet reader and counts each record's rows.
 */
import { expect } from "chai";
import { parquetReadObjects } from "hyparquet";
import { Checkpoint, sequenceCheckpoint } from "../../../runtime/processing/leases/lease";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";
import { LakeStore, MemoryLakeStore, PutOutcome } from "../../../runtime/lake/lake-store";
import { ShardLakeWriter } from "../../../runtime/lake/lake-writer";
import { positionOf, positionText } from "../../../runtime/lake/position";
import { consumerRecordsOf } from "../../../runtime/processing/consumer-records";
import { KPL_MAGIC } from "../../../runtime/stream/aggregation";

const SHARD = "shardId-000000000007";
const TENANTS = ["acme", "beta", "untenanted"];

/** A shard's records: some plain, some sub-records of aggregates; three tenants over two hours. */
function shardRecords(count: number, seed: number): ConsumerRecord[] {
  const out: ConsumerRecord[] = [];
  let seq = 1000n;
  let rnd = seed;
  const next = () => (rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648;
  while (out.length < count) {
    seq += BigInt(1 + Math.floor(next() * 5));
    const subs = next() < 0.3 ? 1 + Math.floor(next() * 4) : 0;
    for (let i = 0; i <= subs && out.length < count; i++) {
      const n = out.length;
      const tenant = TENANTS[n % 3];
      out.push({
        shardId: SHARD,
        tenant,
        partitionKey: tenant === "untenanted" ? `k${n}` : `${tenant}|k${n}`,
        data: Buffer.from(JSON.stringify({ n, pad: "x".repeat(20) })),
        sequenceNumber: String(seq),
        ...(subs > 0 ? { subSequenceNumber: i } : {}),
        approximateArrivalTimestamp: new Date(Date.UTC(2026, 11, 7, 1, 59, 0) + n * 1000),
      });
    }
  }
  return out;
}

/** The lease's checkpoint as the writers move it. */
class Lease {
  checkpoint: Checkpoint = { kind: "TRIM_HORIZON" };
  checkpointer(owner: { lost: boolean }) {
    const write = async (cp: Checkpoint) => {
      if (owner.lost) throw new Error("lease lost");
      this.checkpoint = cp;
    };
    return {
      checkpoint: async () => undefined,
      checkpointAt: (r: { sequenceNumber: string; subSequenceNumber?: number }) =>
        write(sequenceCheckpoint(r.sequenceNumber, r.subSequenceNumber ?? 0)),
    };
  }
  /** What a new owner reads: the records after the checkpoint. */
  after(records: ConsumerRecord[]): ConsumerRecord[] {
    const cp = this.checkpoint;
    if (cp.kind !== "SEQUENCE") return records;
    const i = records.findIndex((r) => positionText(positionOf(r)) === `${cp.sequenceNumber}-${cp.subSequenceNumber}`);
    return records.slice(i + 1);
  }
}

/** A bucket whose writes start failing after `limit` (a worker killed mid-segment). */
class DyingStore implements LakeStore {
  private puts = 0;
  constructor(
    readonly inner: MemoryLakeStore,
    private readonly limit: number,
  ) {}
  putIfAbsent(key: string, body: Uint8Array): Promise<PutOutcome> {
    if (++this.puts > this.limit) return Promise.reject(new Error("killed"));
    return this.inner.putIfAbsent(key, body);
  }
  put(key: string, body: Uint8Array): Promise<void> {
    if (this.puts > this.limit) return Promise.reject(new Error("killed"));
    return this.inner.put(key, body);
  }
  get(key: string) {
    return this.inner.get(key);
  }
}

function writer(store: LakeStore, maxBytes: number): ShardLakeWriter {
  return new ShardLakeWriter(SHARD, {
    store,
    schemas: async () => undefined,
    roll: { maxBytes, maxAgeMs: 3_600_000 },
    ageCheckMs: 3_600_000,
  });
}

async function feed(
  w: ShardLakeWriter,
  records: ConsumerRecord[],
  batch: number,
  cp: ReturnType<Lease["checkpointer"]>,
): Promise<void> {
  w.initialize();
  for (let i = 0; i < records.length; i += batch) {
    await w.processRecords({ records: records.slice(i, i + batch), checkpointer: cp });
  }
}

/** Every row in the bucket, by `<sequence>-<sub>`: how many times it is there. */
async function rowsIn(store: MemoryLakeStore): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (const [key, body] of store.objects) {
    if (!key.endsWith(".parquet")) continue;
    const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    const rows = (await parquetReadObjects({
      file,
      columns: ["sequence_number", "sub_sequence_number", "partition_key"],
    })) as {
      sequence_number: string;
      sub_sequence_number: bigint;
      partition_key: string;
    }[];
    for (const r of rows) {
      const id = `${r.sequence_number}-${r.sub_sequence_number}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      // The tenant partition holds that tenant's records only.
      const tenant = /tenant=([^/]+)/.exec(key)![1];
      expect(r.partition_key.startsWith(tenant === "untenanted" ? "k" : `${tenant}|`), key).to.equal(true);
    }
  }
  return seen;
}

async function expectExactlyOnce(store: MemoryLakeStore, records: ConsumerRecord[]): Promise<void> {
  const seen = await rowsIn(store);
  const missing = records.filter((r) => !seen.has(positionText(positionOf(r)))).length;
  const duplicated = [...seen.values()].filter((n) => n > 1).length;
  expect({ missing, duplicated, rows: seen.size }).to.deep.equal({ missing: 0, duplicated: 0, rows: records.length });
}

/**
 * The records with, after the Kinesis record that holds each index in `at`, one Kinesis record
 * that has the KPL magic but a bad MD5, as the consumer hands it to a processor that asked
 * for corrupt aggregates.
 */
function withCorruptAggregates(records: ConsumerRecord[], at: number[]): ConsumerRecord[] {
  const out: ConsumerRecord[] = [];
  records.forEach((original, i) => {
    // Sequence numbers times ten leave room for one record between two.
    const r = { ...original, sequenceNumber: `${original.sequenceNumber}0` };
    out.push(r);
    // After the Kinesis record's last sub-record: between two Kinesis records.
    const lastOfItsRecord = records[i + 1]?.sequenceNumber !== original.sequenceNumber;
    if (!lastOfItsRecord || !at.some((a) => records[a].sequenceNumber === original.sequenceNumber)) return;
    const sequenceNumber = `${original.sequenceNumber}5`;
    out.push(
      ...consumerRecordsOf(
        SHARD,
        {
          sequenceNumber,
          partitionKey: r.partitionKey,
          data: Buffer.concat([KPL_MAGIC, Buffer.from(`not an aggregate ${i}, and no MD5`)]),
          approximateArrivalTimestamp: r.approximateArrivalTimestamp,
        },
        "hand-on",
      ),
    );
  });
  return out;
}

/** Every dead letter in the bucket's dead-letter objects. */
function deadLettersIn(
  store: MemoryLakeStore,
): { sequenceNumber: string; subSequenceNumber: number; reason: string }[] {
  return [...store.objects]
    .filter(([key]) => key.startsWith("dead-letters/"))
    .flatMap(([, body]) =>
      Buffer.from(body)
        .toString("utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as { sequenceNumber: string; subSequenceNumber: number; reason: string }),
    );
}

const endShard = (w: ShardLakeWriter, lease: Lease) =>
  w.shardEnded({ checkpointer: { checkpoint: async () => void (lease.checkpoint = { kind: "SHARD_END" }) } });

describe("lake writer: exactly once", () => {
  const cases = [
    { seed: 1, killAfterPuts: 0, bytesA: 400, bytesB: 1500, batch: 7 },
    { seed: 2, killAfterPuts: 1, bytesA: 400, bytesB: 250, batch: 13 },
    { seed: 3, killAfterPuts: 5, bytesA: 900, bytesB: 300, batch: 5 },
    { seed: 4, killAfterPuts: 9, bytesA: 300, bytesB: 2000, batch: 31 },
  ];
  for (const c of cases) {
    it(`a worker killed after ${c.killAfterPuts} writes, the next owner with other roll sizes (seed ${c.seed})`, async () => {
      const records = shardRecords(150, c.seed);
      const bucket = new MemoryLakeStore();
      const lease = new Lease();
      const first = writer(new DyingStore(bucket, c.killAfterPuts), c.bytesA);
      await feed(first, records, c.batch, lease.checkpointer({ lost: false })).catch(() => undefined);
      first.leaseLost();
      const next = writer(bucket, c.bytesB);
      await feed(next, lease.after(records), c.batch + 3, lease.checkpointer({ lost: false }));
      await endShard(next, lease);
      await expectExactlyOnce(bucket, records);
      expect(lease.checkpoint.kind).to.equal("SHARD_END");
    });
  }

  for (const seed of [5, 6, 7]) {
    it(`a zombie and the lease's new owner write the same shard at once with other roll sizes (seed ${seed})`, async () => {
      const records = shardRecords(200, seed);
      const bucket = new MemoryLakeStore();
      const lease = new Lease();
      const zombie = writer(bucket, 350);
      const owner = writer(bucket, 1200);
      const zombieRole = { lost: true };
      zombie.initialize();
      owner.initialize();
      // Interleaved: the zombie from the start of the shard, the owner from the same checkpoint.
      for (let i = 0; i < records.length; i += 11) {
        await Promise.all([
          zombie
            .processRecords({ records: records.slice(i, i + 11), checkpointer: lease.checkpointer(zombieRole) })
            .catch(() => undefined),
          owner.processRecords({
            records: records.slice(i, i + 11),
            checkpointer: lease.checkpointer({ lost: false }),
          }),
        ]);
      }
      await endShard(owner, lease);
      zombie.leaseLost();
      await expectExactlyOnce(bucket, records);
    });
  }

  for (const killAfterPuts of [0, 2, 6]) {
    it(`corrupt aggregates are one dead letter each, across a worker killed after ${killAfterPuts} writes`, async () => {
      const records = withCorruptAggregates(shardRecords(80, 11 + killAfterPuts), [3, 40, 79]);
      const bucket = new MemoryLakeStore();
      const lease = new Lease();
      const first = writer(new DyingStore(bucket, killAfterPuts), 300);
      await feed(first, records, 9, lease.checkpointer({ lost: false })).catch(() => undefined);
      first.leaseLost();
      const next = writer(bucket, 700);
      await feed(next, lease.after(records), 12, lease.checkpointer({ lost: false }));
      await endShard(next, lease);
      const letters = deadLettersIn(bucket);
      const corrupt = records.filter((r) => r.corruptAggregate !== undefined);
      expect(letters.map((l) => `${l.sequenceNumber}-${l.subSequenceNumber} ${l.reason}`).sort()).to.deep.equal(
        corrupt
          .map((r) => `${r.sequenceNumber}-0 corrupt KPL aggregate: aggregated record has a bad MD5 checksum`)
          .sort(),
      );
      await expectExactlyOnce(
        bucket,
        records.filter((r) => r.corruptAggregate === undefined),
      );
      // Not a stuck shard: the children may start.
      expect(lease.checkpoint.kind).to.equal("SHARD_END");
    });
  }

  it("a retried batch is buffered once", async () => {
    const records = shardRecords(40, 9);
    const bucket = new MemoryLakeStore();
    const lease = new Lease();
    const w = writer(bucket, 1_000_000);
    const cp = lease.checkpointer({ lost: false });
    w.initialize();
    await w.processRecords({ records: records.slice(0, 20), checkpointer: cp });
    await w.processRecords({ records: records.slice(0, 30), checkpointer: cp });
    await w.processRecords({ records: records.slice(20), checkpointer: cp });
    await endShard(w, lease);
    await expectExactlyOnce(bucket, records);
  });

  it("checkpoints only at a stored segment's end, never past what is stored", async () => {
    const records = shardRecords(60, 10);
    const bucket = new MemoryLakeStore();
    const lease = new Lease();
    await feed(writer(new DyingStore(bucket, 4), 300), records, 10, lease.checkpointer({ lost: false })).catch(
      () => undefined,
    );
    // Everything at or before the checkpoint is in the bucket.
    const seen = await rowsIn(bucket);
    const upTo = records.length - lease.after(records).length;
    expect(upTo).to.be.greaterThan(0);
    for (const r of records.slice(0, upTo)) expect(seen.get(positionText(positionOf(r)))).to.equal(1);
  });
});
