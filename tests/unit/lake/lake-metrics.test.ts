/**
 * The lake writer's metrics, counted as the writer works against an in-memory bucket and
 * read back from the EMF documents a fake sink receives: what was stored, the 412s of a
 * re-read, and the age of the oldest record read but not stored.
 */
import { expect } from "chai";
import { LakeMetrics, oldestUnstoredAge, writeKind } from "../../../runtime/lake/lake-metrics";
import { MemoryBudget } from "../../../runtime/lake/memory-budget";
import { MemoryLakeStore } from "../../../runtime/lake/lake-store";
import { lakeWriterFactory, LakeWriterOptions, ShardLakeWriter } from "../../../runtime/lake/lake-writer";
import {
  claimKey,
  deadLetterObjectKey,
  PROGRESS_PREFIX,
  SEGMENTS_PREFIX,
  tableObjectKey,
  timePartitionOf,
} from "../../../runtime/lake/object-keys";
import { LAKE_METRICS } from "../../../runtime/observability/metrics/pipeline";
import { readEmf } from "../../../runtime/observability/emf-reading";
import { sequenceCheckpoint } from "../../../runtime/processing/leases/lease";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";
import { encode } from "../../../runtime/schemas/wire-format";

const SHARD = "shardId-000000000003";
const ARRIVED = Date.UTC(2026, 11, 7, 10, 0, 0);
const M = LAKE_METRICS;

/** `count` records a second apart from ARRIVED, JSON rows of two tenants, every `deadEvery`-th not JSON. */
function records(count: number, deadEvery = 0, from = 0): ConsumerRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const tenant = n % 2 ? "acme" : "beta";
    return {
      shardId: SHARD,
      tenant,
      partitionKey: `${tenant}|k${n}`,
      data: Buffer.from(deadEvery && n % deadEvery === 0 ? `not json ${n}` : JSON.stringify({ n })),
      sequenceNumber: String(1000 + n),
      approximateArrivalTimestamp: new Date(ARRIVED + n * 1000),
    };
  });
}

/** A lake worker's metrics and a writer for SHARD wired as main.ts wires them, the clock at `now`. */
function worker(bucket: MemoryLakeStore, maxBytes: number, clock = { now: ARRIVED }, budget?: MemoryBudget) {
  const lines: string[] = [];
  const metrics = new LakeMetrics(
    (line) => lines.push(line),
    "trips",
    () => clock.now,
  );
  const options: LakeWriterOptions = {
    store: metrics.counting(bucket),
    schemas: async () => undefined,
    roll: { maxBytes, maxAgeMs: 3_600_000 },
    ageCheckMs: 3_600_000,
    budget,
    onSegment: (w) => metrics.segmentStored(w),
    onUnstored: (shardId, arrival) => metrics.unstored(shardId, arrival),
  };
  const writer = lakeWriterFactory(options)(SHARD) as ShardLakeWriter;
  const checkpoints: string[] = [];
  const checkpointer = {
    checkpoint: async () => undefined,
    checkpointAt: async (r: { sequenceNumber: string; subSequenceNumber?: number }) =>
      void checkpoints.push(JSON.stringify(sequenceCheckpoint(r.sequenceNumber, r.subSequenceNumber ?? 0))),
  };
  /** The document of the report made now. */
  const report = async (): Promise<Record<string, number>> => {
    lines.length = 0;
    await metrics.report();
    expect(lines).to.have.length(1);
    const doc = readEmf(lines[0])!;
    expect(doc.dimensions).to.deep.equal({ Service: "lake", StreamName: "trips" });
    return doc.metrics;
  };
  return { metrics, writer, checkpointer, checkpoints, report };
}

const sum =
  (...docs: Record<string, number>[]) =>
  (name: string) =>
    docs.reduce((n, d) => n + d[name], 0);

describe("lake metrics", () => {
  it("a conditional write is a claim under segments/, an object anywhere else", () => {
    const segment = { shardId: SHARD, first: { sequenceNumber: "1000", subSequenceNumber: 0 } };
    const time = timePartitionOf(new Date(ARRIVED));
    const table: [string, "claim" | "object"][] = [
      [claimKey(segment), "claim"],
      [tableObjectKey("generic", "acme", time, segment), "object"],
      [tableObjectKey("orders", "acme", time, segment, 2), "object"],
      [deadLetterObjectKey("acme", time, segment), "object"],
    ];
    for (const [key, kind] of table) expect(writeKind(key), key).to.equal(kind);
  });

  it("the oldest unstored age is the oldest shard's, 0 when every record read is stored", () => {
    const table: [number[], number, number][] = [
      [[], 5_000, 0],
      [[4_000], 5_000, 1_000],
      [[4_000, 1_000, 3_000], 5_000, 4_000],
      // A clock behind the record's arrival (another host's): not a negative age.
      [[6_000], 5_000, 0],
    ];
    for (const [arrivals, now, age] of table) expect(oldestUnstoredAge(arrivals, now), `${arrivals}`).to.equal(age);
  });

  it("counts the segments, objects, rows, dead letters and bytes one worker stores, once per interval", async () => {
    const bucket = new MemoryLakeStore();
    const w = worker(bucket, 60);
    w.writer.initialize();
    const input = records(40, 5);
    // A segment is cut after a batch: batches of 8 records (over 60 bytes) make 5.
    for (let i = 0; i < input.length; i += 8) {
      await w.writer.processRecords({ records: input.slice(i, i + 8), checkpointer: w.checkpointer });
    }
    await w.writer.shardEnded({ checkpointer: { checkpoint: async () => undefined } });
    const doc = await w.report();
    const claims = [...bucket.objects.keys()].filter((k) => k.startsWith(SEGMENTS_PREFIX));
    // The shard's progress object is not one of the lake's objects (nor counted as one).
    const objects = [...bucket.objects.entries()].filter(
      ([k]) => !k.startsWith(SEGMENTS_PREFIX) && !k.startsWith(PROGRESS_PREFIX),
    );
    expect(claims).to.have.length(5);
    expect(doc).to.deep.include({
      [M.LakeSegmentsClaimed.name]: claims.length,
      [M.LakeSegmentsStored.name]: claims.length,
      [M.LakeSegmentsCutForMemory.name]: 0,
      [M.LakeClaimsLost.name]: 0,
      [M.LakeObjectsStored.name]: objects.length,
      [M.LakeObjectsAlreadyStored.name]: 0,
      [M.LakeRowsStored.name]: 32,
      [M.LakeDeadLetters.name]: 8,
      [M.LakeBytesStored.name]: objects.reduce((n, [, body]) => n + body.length, 0),
      [M.LakeOldestUnstoredAge.name]: 0,
    });
    expect(w.checkpoints).to.have.length(claims.length);
    // The next interval starts from zero.
    const next = await w.report();
    expect(Object.values(M).map((m) => next[m.name])).to.deep.equal(Object.values(M).map(() => 0));
  });

  it("counts the segments cut early for the worker's memory budget apart from the others", async () => {
    const bucket = new MemoryLakeStore();
    const input = records(40);
    const budgetBytes = 100;
    const w = worker(bucket, 1_000_000, { now: ARRIVED }, new MemoryBudget(budgetBytes));
    w.writer.initialize();
    await w.writer.processRecords({ records: input, checkpointer: w.checkpointer });
    await w.writer.shardEnded({ checkpointer: { checkpoint: async () => undefined } });
    const doc = await w.report();
    const segments = doc[M.LakeSegmentsStored.name];
    const bytes = input.reduce((n, r) => n + r.data.length, 0);
    expect(segments).to.be.at.least(Math.ceil(bytes / budgetBytes));
    // All but the last, which the shard's end cut.
    expect(doc[M.LakeSegmentsCutForMemory.name]).to.equal(segments - 1);
  });

  it("a lease's zombie and its new owner read the same records: the later claim is lost, its objects are already there, the rows once over both", async () => {
    const bucket = new MemoryLakeStore();
    const input = records(30);
    const [zombie, owner] = [worker(bucket, 1_000_000), worker(bucket, 1_000_000)];
    for (const w of [zombie, owner]) {
      w.writer.initialize();
      await w.writer.processRecords({ records: input, checkpointer: w.checkpointer });
    }
    // Both opened the segment before either claimed it; the zombie cuts first.
    await zombie.writer.shardEnded({ checkpointer: { checkpoint: async () => undefined } });
    await owner.writer.shardEnded({ checkpointer: { checkpoint: async () => undefined } });
    const [first, second] = [await zombie.report(), await owner.report()];
    expect(first).to.deep.include({ [M.LakeSegmentsClaimed.name]: 1, [M.LakeClaimsLost.name]: 0 });
    expect(first[M.LakeObjectsStored.name]).to.be.above(1);
    expect(second).to.deep.include({
      [M.LakeSegmentsClaimed.name]: 0,
      [M.LakeClaimsLost.name]: 1,
      [M.LakeSegmentsStored.name]: 1,
      [M.LakeObjectsStored.name]: 0,
      [M.LakeObjectsAlreadyStored.name]: first[M.LakeObjectsStored.name],
      [M.LakeRowsStored.name]: 0,
      [M.LakeBytesStored.name]: 0,
    });
    expect(sum(first, second)(M.LakeRowsStored.name)).to.equal(input.length);
  });

  it("the oldest unstored age: the open segment's first record, a batch retried for an unknown schema, and 0 once stored or the lease is lost", async () => {
    const clock = { now: ARRIVED };
    const w = worker(new MemoryLakeStore(), 1_000_000, clock);
    w.writer.initialize();
    expect((await w.report())[M.LakeOldestUnstoredAge.name]).to.equal(0);

    await w.writer.processRecords({ records: records(10), checkpointer: w.checkpointer });
    clock.now = ARRIVED + 60_000;
    expect((await w.report())[M.LakeOldestUnstoredAge.name]).to.equal(60_000);

    await w.writer.shardEnded({ checkpointer: { checkpoint: async () => undefined } });
    expect((await w.report())[M.LakeOldestUnstoredAge.name]).to.equal(0);

    // A record of a schema version the registry does not know: the batch fails, nothing is buffered, the record waits.
    const retried = worker(new MemoryLakeStore(), 1_000_000, clock);
    const unknown = {
      ...records(1, 0, 20)[0],
      data: encode(Buffer.from("{}"), "33333333-3333-4333-8333-333333333333", { compression: "none" }),
    };
    let failed = false;
    await retried.writer
      .processRecords({ records: [unknown], checkpointer: retried.checkpointer })
      .catch(() => (failed = true));
    expect(failed).to.equal(true);
    clock.now = ARRIVED + 20_000 + 90_000;
    expect((await retried.report())[M.LakeOldestUnstoredAge.name]).to.equal(90_000);
    await retried.writer.leaseLost();
    expect((await retried.report())[M.LakeOldestUnstoredAge.name]).to.equal(0);
  });
});
