import { expect } from "chai";
import { deaggregate, UserRecord } from "../../../runtime/stream/aggregation";
import { routingKeyOf } from "../../../runtime/stream/hash-key";
import { KPL_DEFAULTS, INGEST_DEFAULTS } from "../../../runtime/ingest/defaults";
import {
  BackpressureError,
  ProducerClosedError,
  RecordExpiredError,
  RecordRefusedError,
} from "../../../runtime/ingest/errors";
import { KinesisProducer, ProducerOptions } from "../../../runtime/ingest/kinesis-producer";
import { Ack } from "../../../runtime/ingest/shard-buffers";
import { FakeKinesis } from "../../harness/fake-kinesis";

const OPTIONS: ProducerOptions = {
  aggregation: true,
  ...KPL_DEFAULTS,
  recordMaxBufferedTimeMs: 20,
  pendingLimitRecords: INGEST_DEFAULTS.pendingLimitRecords,
  pendingLimitBytes: INGEST_DEFAULTS.pendingLimitBytes,
  shardMapRefreshMs: 60_000,
  retryBaseMs: 5,
  retryMaxMs: 50,
};

function record(i: number, size = 100): UserRecord {
  return { partitionKey: `key-${i}`, data: Buffer.alloc(size, i % 256) };
}

async function started(kinesis: FakeKinesis, options: Partial<ProducerOptions> = {}) {
  const producer = new KinesisProducer(kinesis, { ...OPTIONS, ...options });
  await producer.start();
  return producer;
}

/** Every acknowledged record is stored exactly where its ack says, on a shard that holds its key. */
function expectStoredWhereAcked(kinesis: FakeKinesis, records: UserRecord[], acks: Ack[]) {
  for (let i = 0; i < records.length; i++) {
    const ack = acks[i];
    const stored = kinesis.stored.find((s) => s.sequenceNumber === ack.sequenceNumber);
    expect(stored, `record ${i}`).to.not.equal(undefined);
    expect(stored!.shardId).to.equal(ack.shardId);
    const shard = kinesis.shards.shardFor(routingKeyOf(records[i]));
    expect(shard?.shardId, `shard of record ${i}`).to.equal(ack.shardId);
  }
}

describe("KinesisProducer", () => {
  it("aggregates per destination shard: every sub-record lies in its aggregate's shard", async () => {
    const kinesis = new FakeKinesis(4);
    const producer = await started(kinesis);
    const records = Array.from({ length: 2000 }, (_, i) => record(i));
    const acks = await Promise.all(records.map((r) => producer.put(r)));
    expect(kinesis.userRecords()).to.have.lengthOf(2000);
    for (const r of kinesis.userRecords()) {
      expect(kinesis.shards.shardFor(routingKeyOf(r))?.shardId).to.equal(r.shardId);
    }
    expectStoredWhereAcked(kinesis, records, acks);
    // 2000 x (100 B + key) in 51,200 B aggregates over 4 shards: a handful of Kinesis records.
    expect(kinesis.stored.length).to.be.within(4, 12);
    expect(acks.every((a) => a.subSequenceNumber !== undefined)).to.equal(true);
    expect(producer.stats).to.include({ userRecordsAccepted: 2000, kinesisRecordsPut: kinesis.stored.length });
  });

  it("keeps each aggregate within AggregationMaxSize and each call within 500 records and 5 MiB", async () => {
    const kinesis = new FakeKinesis(2);
    const producer = await started(kinesis, { aggregationMaxSize: 4096 });
    await Promise.all(Array.from({ length: 3000 }, (_, i) => producer.put(record(i, 1000))));
    for (const s of kinesis.stored) expect(s.entry.data.length).to.be.at.most(4096);
    for (const call of kinesis.calls) {
      expect(call.length).to.be.at.most(500);
      expect(call.reduce((n, e) => n + e.data.length + e.partitionKey.length, 0)).to.be.at.most(5 * 1024 * 1024);
    }
    expect(kinesis.userRecords()).to.have.lengthOf(3000);
  });

  it("sends a record too large to share an aggregate on its own, plain", async () => {
    const kinesis = new FakeKinesis(1);
    const producer = await started(kinesis);
    const big = record(1, 60_000);
    const ack = await producer.put(big);
    expect(ack.subSequenceNumber).to.equal(undefined);
    expect(Buffer.from(kinesis.stored[0].entry.data).equals(big.data)).to.equal(true);
  });

  it("with aggregation off, puts one Kinesis record per user record", async () => {
    const kinesis = new FakeKinesis(2);
    const producer = await started(kinesis, { aggregation: false });
    const acks = await Promise.all(Array.from({ length: 50 }, (_, i) => producer.put(record(i))));
    expect(kinesis.stored).to.have.lengthOf(50);
    expect(acks.every((a) => a.subSequenceNumber === undefined)).to.equal(true);
  });

  it("sends within RecordMaxBufferedTime even when no batch is full", async () => {
    const kinesis = new FakeKinesis(1);
    const producer = await started(kinesis, { recordMaxBufferedTimeMs: 30 });
    const started_ = Date.now();
    await producer.put(record(1));
    expect(Date.now() - started_).to.be.within(25, 500);
  });

  it("retries entries PutRecords reports as failed until all are written", async () => {
    const kinesis = new FakeKinesis(4);
    let n = 0;
    kinesis.failEntry = () => (n++ % 3 === 0 ? "ProvisionedThroughputExceededException" : undefined);
    const producer = await started(kinesis, { aggregation: false });
    const records = Array.from({ length: 300 }, (_, i) => record(i));
    const acks = await Promise.all(records.map((r) => producer.put(r)));
    expectStoredWhereAcked(kinesis, records, acks);
    expect(kinesis.stored).to.have.lengthOf(300);
    expect(producer.stats.retries).to.be.greaterThan(0);
  });

  it("retries a call that fails as a whole", async () => {
    const kinesis = new FakeKinesis(2);
    kinesis.failCall = (call) => (call < 2 ? Object.assign(new Error("boom"), { name: "InternalFailure" }) : undefined);
    const producer = await started(kinesis);
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.put(record(i))));
    expect(acks).to.have.lengthOf(20);
    expect(kinesis.userRecords()).to.have.lengthOf(20);
  });

  it("fails a record not written within RecordTtl, never silently", async () => {
    const kinesis = new FakeKinesis(1);
    kinesis.failEntry = () => "ProvisionedThroughputExceededException";
    const producer = await started(kinesis, { recordTtlMs: 150 });
    const t0 = Date.now();
    let error: unknown;
    await producer.put(record(1)).catch((e) => (error = e));
    expect(error).to.be.instanceOf(RecordExpiredError);
    expect((error as Error).message).to.contain("ProvisionedThroughputExceededException");
    expect(Date.now() - t0).to.be.within(50, 1000);
    expect(producer.pending.records).to.equal(0);
    expect(producer.stats.expired).to.equal(1);
  });

  it("fails at once what no retry can cure (a missing stream), instead of waiting out the time to live", async () => {
    const kinesis = new FakeKinesis(1);
    kinesis.failCall = () => Object.assign(new Error("Stream not found"), { name: "ResourceNotFoundException" });
    const producer = await started(kinesis, { recordTtlMs: 30_000 });
    const t0 = Date.now();
    let error: unknown;
    await producer.put(record(1)).catch((e) => (error = e));
    expect(error).to.be.instanceOf(RecordRefusedError);
    expect((error as Error).message).to.contain("ResourceNotFoundException");
    expect(Date.now() - t0).to.be.below(1000);
    expect(kinesis.calls).to.have.lengthOf(1);
  });

  it("putDetached (buffered mode): stores the record without an acknowledgement; a failure is told once, and counted", async () => {
    const kinesis = new FakeKinesis(2);
    const producer = await started(kinesis);
    const failures: Error[] = [];
    for (let i = 0; i < 300; i++) producer.putDetached(record(i), (e) => failures.push(e));
    expect(producer.pending.records).to.equal(300);
    await producer.flush();
    expect(kinesis.userRecords()).to.have.lengthOf(300);
    expect(producer.pending).to.deep.equal({ records: 0, bytes: 0 });
    expect(producer.stats.userRecordsAcknowledged).to.equal(300);

    kinesis.failCall = () => Object.assign(new Error("Stream not found"), { name: "ResourceNotFoundException" });
    producer.putDetached(record(1000), (e) => failures.push(e));
    await producer.flush();
    expect(failures).to.have.lengthOf(1);
    expect(failures[0]).to.be.instanceOf(RecordRefusedError);
    expect(producer.stats.expired).to.equal(1);
    expect(producer.pending.records).to.equal(0);
  });

  it("refuses records past the pending limit instead of queueing them (records and bytes)", async () => {
    const kinesis = new FakeKinesis(1);
    kinesis.hang = true;
    const producer = await started(kinesis, { pendingLimitRecords: 10, pendingLimitBytes: 5000 });
    for (let i = 0; i < 10; i++) void producer.put(record(i, 10)).catch(() => undefined);
    expect(() => producer.put(record(99, 10))).to.throw(BackpressureError, "10 records of at most 10");
    const p2 = new KinesisProducer(kinesis, { ...OPTIONS, pendingLimitBytes: 5000 });
    await p2.start();
    void p2.put(record(1, 4000)).catch(() => undefined);
    expect(() => p2.put(record(2, 2000))).to.throw(BackpressureError, "bytes");
    expect(() => p2.putAll([record(3, 10), record(4, 2000)])).to.throw(BackpressureError);
    expect(p2.pending.records, "all-or-nothing: putAll took none").to.equal(1);
    await producer.close(10);
    await p2.close(10);
  });

  it("after a reshard, acknowledges an aggregate only where its shard holds every record of it, and resends all of one it does not", async () => {
    const kinesis = new FakeKinesis(1);
    const producer = await started(kinesis);
    kinesis.reshard(4, "child-");
    // ListShards is eventually consistent: it answers the old map for a while.
    const catchUp = setTimeout(() => kinesis.publish(), 100);
    const records = Array.from({ length: 400 }, (_, i) => record(i));
    const acks = await Promise.all(records.map((r) => producer.put(r)));
    clearTimeout(catchUp);
    expectStoredWhereAcked(kinesis, records, acks);
    expect(producer.stats.wrongShard).to.be.greaterThan(0);
    // Readers (the KCL, our consumers) discard an aggregate with a record outside its shard:
    // no record may be acknowledged inside one.
    const discarded = new Set(
      kinesis.stored
        .filter((s) =>
          deaggregate({ ...s.entry, data: Buffer.from(s.entry.data) }).some(
            (u) => kinesis.shards.shardFor(routingKeyOf(u))?.shardId !== s.shardId,
          ),
        )
        .map((s) => s.sequenceNumber),
    );
    expect(discarded.size, "aggregates that landed on a shard holding only part of them").to.be.greaterThan(0);
    expect(acks.filter((a) => discarded.has(a.sequenceNumber))).to.deep.equal([]);
  });

  it("refreshes the shard map when Kinesis reports an unknown shard and ListShards catches up", async () => {
    const kinesis = new FakeKinesis(2);
    const producer = await started(kinesis);
    kinesis.reshard(4, "child-");
    kinesis.publish();
    const records = Array.from({ length: 200 }, (_, i) => record(i));
    const acks = await Promise.all(records.map((r) => producer.put(r)));
    expectStoredWhereAcked(kinesis, records, acks);
    // Later records go straight to the children.
    const before = producer.stats.wrongShard;
    const more = Array.from({ length: 200 }, (_, i) => record(1000 + i));
    expectStoredWhereAcked(kinesis, more, await Promise.all(more.map((r) => producer.put(r))));
    expect(producer.stats.wrongShard).to.equal(before);
  });

  it("close() sends everything accepted, then refuses new records", async () => {
    const kinesis = new FakeKinesis(2);
    kinesis.latencyMs = 20;
    const producer = await started(kinesis, { recordMaxBufferedTimeMs: 5000 });
    const acks = Array.from({ length: 500 }, (_, i) => producer.put(record(i)));
    const { unsent } = await producer.close(5000);
    expect(unsent).to.equal(0);
    expect((await Promise.all(acks)).length).to.equal(500);
    expect(kinesis.userRecords()).to.have.lengthOf(500);
    expect(() => producer.put(record(1))).to.throw(ProducerClosedError);
  });

  it("close() gives up after its timeout and rejects what it could not write", async () => {
    const kinesis = new FakeKinesis(1);
    kinesis.failEntry = () => "InternalFailure";
    const producer = await started(kinesis, { retryBaseMs: 200, retryMaxMs: 200 });
    const results = Array.from({ length: 5 }, (_, i) =>
      producer.put(record(i)).then(
        () => "ok",
        (e: Error) => e.message,
      ),
    );
    const { unsent } = await producer.close(100);
    expect(unsent).to.equal(5);
    expect(await Promise.all(results)).to.satisfy((r: string[]) => r.every((m) => m.startsWith("shutdown:")));
    expect(producer.pending.records).to.equal(0);
  });

  it("close() also gives up on records inside a PutRecords call that never answers, and ignores a late answer", async () => {
    const kinesis = new FakeKinesis(1);
    let answer: (() => void) | undefined;
    const realPut = kinesis.putRecords.bind(kinesis);
    kinesis.putRecords = (entries) => new Promise((resolve) => (answer = () => resolve(realPut(entries))));
    const producer = await started(kinesis);
    const results = Array.from({ length: 5 }, (_, i) =>
      producer.put(record(i)).then(
        () => "ok",
        (e: Error) => e.message,
      ),
    );
    void producer.flush();
    const closing = producer.close(100);
    expect(await closing).to.deep.equal({ unsent: 5 });
    expect(await Promise.all(results)).to.satisfy((r: string[]) => r.every((m) => m.startsWith("shutdown:")));
    expect(producer.pending.records).to.equal(0);
    // The hung call answers after all: nothing is acknowledged twice or counted below zero.
    answer!();
    await new Promise((r) => setTimeout(r, 20));
    expect(producer.pending.records).to.equal(0);
    expect(producer.takeStats().userRecordsAcknowledged).to.equal(0);
  });
});
