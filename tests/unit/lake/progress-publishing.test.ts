/**
 * The lake writer publishing its shard's progress (progress/<shardId>.json) against an
 * in-memory bucket, over batches, cuts, reads at the tip, a claim adopted from another
 * writer, the shard's end and a lost lease: every object it writes, in order, and that each
 * says nothing false (every record read that arrived before its storedBefore is a row in
 * the bucket).
 */
import { expect } from "chai";
import { parquetReadObjects } from "hyparquet";
import { MemoryLakeStore } from "../../../runtime/lake/lake-store";
import { ShardLakeWriter } from "../../../runtime/lake/lake-writer";
import { claimKey, progressKey, TABLES_PREFIX } from "../../../runtime/lake/object-keys";
import { positionOf, positionText } from "../../../runtime/lake/position";
import { parseProgress, ShardProgress } from "../../../runtime/lake/progress";
import { sequenceCheckpoint } from "../../../runtime/processing/leases/lease";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";

const SHARD = "shardId-000000000005";
const T = Date.UTC(2026, 11, 7, 5, 0, 0);
const s = (seconds: number) => T + seconds * 1000;
const iso = (seconds: number) => new Date(s(seconds)).toISOString();
const MINUTE = 60_000;

/** Record n arrived at second n; its data is 25 bytes. */
function record(n: number): ConsumerRecord {
  return {
    shardId: SHARD,
    tenant: "acme",
    partitionKey: `acme|k${n}`,
    data: Buffer.from(JSON.stringify({ n, pad: "x".repeat(11 - String(n).length) })),
    sequenceNumber: String(1000 + n),
    approximateArrivalTimestamp: new Date(s(n)),
  };
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => record(from + i));

/** A bucket that keeps every progress object written, in order. */
class ProgressBucket extends MemoryLakeStore {
  readonly progress: ShardProgress[] = [];
  override async put(key: string, body: Uint8Array): Promise<void> {
    await super.put(key, body);
    if (key === progressKey(SHARD)) this.progress.push(parseProgress(Buffer.from(body).toString("utf8")));
  }
}

/** Positions of every row in the bucket. */
async function rowsIn(store: MemoryLakeStore): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const [key, body] of store.objects) {
    if (!key.endsWith(".parquet")) continue;
    const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    const rows = (await parquetReadObjects({ file, columns: ["sequence_number", "sub_sequence_number"] })) as {
      sequence_number: string;
      sub_sequence_number: bigint;
    }[];
    for (const r of rows) seen.add(`${r.sequence_number}-${r.sub_sequence_number}`);
  }
  return seen;
}

/** The last progress object says nothing false of the records read so far. */
async function expectTrue(store: ProgressBucket, read: ConsumerRecord[]): Promise<void> {
  const body = store.objects.get(progressKey(SHARD));
  if (!body) return;
  const progress = parseProgress(body.toString("utf8"));
  const rows = await rowsIn(store);
  const before = progress.storedBefore === null ? -Infinity : Date.parse(progress.storedBefore);
  const unstored = read.filter(
    (r) =>
      (progress.shardEnded || r.approximateArrivalTimestamp!.getTime() < before) &&
      !rows.has(positionText(positionOf(r))),
  );
  expect(
    unstored.map((r) => r.sequenceNumber),
    JSON.stringify(progress),
  ).to.deep.equal([]);
}

function setup() {
  const store = new ProgressBucket();
  const clock = { now: s(0) };
  const lease = { lost: false, checkpoint: undefined as unknown };
  const logged: string[] = [];
  const writer = new ShardLakeWriter(SHARD, {
    store,
    schemas: async () => undefined,
    // 100 bytes: a batch of 4 or more records is cut after it, one of 3 or fewer stays open.
    roll: { maxBytes: 100, maxAgeMs: 3_600_000 },
    ageCheckMs: 3_600_000,
    progressIntervalMs: MINUTE,
    now: () => clock.now,
    log: (level, msg) => logged.push(`${level} ${msg}`),
  });
  const checkpointer = {
    checkpoint: async () => undefined,
    checkpointAt: async (r: { sequenceNumber: string; subSequenceNumber?: number }) => {
      if (lease.lost) throw new Error("lease lost: the checkpoint's condition failed");
      lease.checkpoint = sequenceCheckpoint(r.sequenceNumber, r.subSequenceNumber ?? 0);
    },
  };
  writer.initialize();
  const read: ConsumerRecord[] = [];
  const batch = async (records: ConsumerRecord[], at: number) => {
    clock.now = s(at);
    read.push(...records);
    await writer.processRecords({ records, checkpointer });
    await expectTrue(store, read);
  };
  const caughtUp = async (at: number) => {
    clock.now = s(at);
    await writer.caughtUp({ readAt: new Date(s(at)) });
    await expectTrue(store, read);
  };
  return { store, clock, lease, writer, batch, caughtUp, read, logged };
}

describe("lake writer: publishing the shard's progress", () => {
  it("after stored segments and reads at the tip, at most once a minute, ended at once at the shard's end", async () => {
    const w = setup();
    // Read at 05:00:05, cut and stored: W is the last record's arrival, published at once.
    await w.batch(range(1, 5), 5);
    expect(w.store.progress.map((p) => p.storedBefore)).to.deep.equal([iso(5)]);
    // Another segment 10 s later: W moves to 10, not yet published.
    await w.batch(range(6, 10), 15);
    // At the tip, 20 s in: W moves to 20, still within the minute.
    await w.caughtUp(20);
    expect(w.store.progress).to.have.lengthOf(1);
    // At the tip, 70 s in: a minute since the last write, W is the read's start.
    await w.caughtUp(70);
    expect(w.store.progress.map((p) => p.storedBefore)).to.deep.equal([iso(5), iso(70)]);
    // Two records read, their segment open: a read at the tip changes nothing, even minutes later.
    await w.batch([record(140), record(141)], 142);
    await w.caughtUp(200);
    expect(w.store.progress).to.have.lengthOf(2);
    // Two more cut the segment: W is its last record's arrival.
    await w.batch([record(201), record(202)], 203);
    expect(w.store.progress.map((p) => p.storedBefore)).to.deep.equal([iso(5), iso(70), iso(202)]);
    expect(w.store.progress.every((p) => !p.shardEnded && p.shardId === SHARD)).to.equal(true);
    expect(w.store.progress.map((p) => p.writtenAt)).to.deep.equal([iso(5), iso(70), iso(203)]);
    // The shard's end: the last records stored, SHARD_END checkpointed, then published at once.
    await w.batch([record(204)], 205);
    let endCheckpointed = false;
    await w.writer.shardEnded({
      checkpointer: {
        checkpoint: async () => {
          // Nothing of the end is published before the SHARD_END checkpoint.
          expect(w.store.progress.every((p) => !p.shardEnded)).to.equal(true);
          endCheckpointed = true;
        },
      },
    });
    expect(endCheckpointed).to.equal(true);
    expect(w.store.progress.at(-1)).to.deep.equal({
      shardId: SHARD,
      storedBefore: iso(204),
      shardEnded: true,
      writtenAt: iso(205),
    });
    await expectTrue(w.store, w.read);
    expect(w.logged).to.deep.equal([]);
  });

  it("the age check publishes a W learnt within the last minute once the minute has passed", async () => {
    const store = new ProgressBucket();
    const clock = { now: s(5) };
    const writer = new ShardLakeWriter(SHARD, {
      store,
      schemas: async () => undefined,
      roll: { maxBytes: 100, maxAgeMs: 3_600_000 },
      ageCheckMs: 5,
      progressIntervalMs: MINUTE,
      now: () => clock.now,
    });
    const checkpointer = { checkpoint: async () => undefined, checkpointAt: async () => undefined };
    writer.initialize();
    await writer.processRecords({ records: range(1, 5), checkpointer });
    clock.now = s(15);
    await writer.processRecords({ records: range(6, 10), checkpointer });
    await new Promise((r) => setTimeout(r, 30));
    expect(store.progress.map((p) => p.storedBefore)).to.deep.equal([iso(5)]);
    clock.now = s(66);
    for (let i = 0; i < 100 && store.progress.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(store.progress.map((p) => p.storedBefore)).to.deep.equal([iso(5), iso(10)]);
    await writer.shutdownRequested({ checkpointer });
  });

  it("a claim another writer made ends the segment early: W is the first record read beyond it", async () => {
    const w = setup();
    // Three records open a segment (under the roll size); another writer then claims it up to record 2.
    await w.batch(range(1, 3), 4);
    expect(w.store.progress).to.deep.equal([]);
    const claim = { shardId: SHARD, first: `${record(1).sequenceNumber}-0`, last: `${record(2).sequenceNumber}-0` };
    await w.store.putIfAbsent(
      claimKey({ shardId: SHARD, first: positionOf(record(1)) }),
      Buffer.from(JSON.stringify(claim)),
    );
    // The next batch cuts: the standing claim ends at record 2, records 3 on open the next segment.
    await w.batch(range(4, 5), 6);
    expect(w.store.progress.map((p) => p.storedBefore)).to.deep.equal([iso(3)]);
  });

  it("publishes nothing after the lease is lost, and a zombie's cut in flight publishes nothing either", async () => {
    const w = setup();
    await w.batch(range(1, 5), 5);
    expect(w.store.progress).to.have.lengthOf(1);
    // The lease moves; this writer's next cut stores its objects but its checkpoint is refused.
    w.lease.lost = true;
    await w.writer
      .processRecords({
        records: range(6, 10),
        checkpointer: {
          checkpoint: async () => undefined,
          checkpointAt: async () => {
            throw new Error("lease lost: the checkpoint's condition failed");
          },
        },
      })
      .catch(() => undefined);
    await w.writer.leaseLost();
    w.clock.now = s(600);
    await w.writer.caughtUp({ readAt: new Date(s(600)) });
    expect(w.store.progress).to.have.lengthOf(1);
    expect(w.store.progress[0].storedBefore).to.equal(iso(5));
  });

  it("a segment whose store was under way when the lease was lost publishes nothing, though its checkpoint passed", async () => {
    const w = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const waiting = new Promise<void>((r) => (arrived = r));
    const putIfAbsent = w.store.putIfAbsent.bind(w.store);
    w.store.putIfAbsent = async (key: string, body: Uint8Array) => {
      if (key.startsWith(TABLES_PREFIX)) {
        arrived();
        await gate;
      }
      return putIfAbsent(key, body);
    };
    const batch = w.batch(range(1, 5), 5);
    await waiting;
    const lost = w.writer.leaseLost();
    release();
    await Promise.all([batch, lost]);
    expect(w.lease.checkpoint).to.deep.equal(sequenceCheckpoint(record(5).sequenceNumber));
    expect(w.store.progress).to.deep.equal([]);
  });

  it("a failed progress write is logged and written at the next chance; the segment is stored all the same", async () => {
    const w = setup();
    const put = w.store.put.bind(w.store);
    let failing = true;
    w.store.put = async (key, body) => {
      if (failing) throw new Error("S3 unavailable");
      return put(key, body);
    };
    await w.batch(range(1, 5), 5);
    expect(w.store.progress).to.deep.equal([]);
    expect(w.logged).to.deep.equal(["warn publishing the shard's progress failed; it is tried again"]);
    expect(w.lease.checkpoint).to.deep.equal(sequenceCheckpoint(record(5).sequenceNumber));
    failing = false;
    await w.caughtUp(6);
    expect(w.store.progress.map((p) => p.storedBefore)).to.deep.equal([iso(6)]);
  });
});
