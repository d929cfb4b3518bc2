import { expect } from "chai";
import { aggregateFill, aggregationEffect } from "../../../runtime/cost/stream-traffic";

describe("stream traffic: with and without aggregation", () => {
  it("fills an aggregate as the encoder does: 100 B records with 16-character keys", () => {
    // By hand, per record: Record{pk index: tag + 1-byte varint; data: tag + len + 100} =
    // 104 B, in the aggregate as tag + len + 104 = 106 B, and its key in the key table as
    // tag + len + 16 = 18 B: 124 B. From the 128th record on, the index takes 2 bytes (125 B).
    // Magic (4) + MD5 (16) = 20 B. 128 x 124 = 15,872; (51,200 - 20 - 15,872) / 125 = 282.46:
    // 128 + 282 = 410 records, 20 + 15,872 + 282 x 125 = 51,142 B.
    expect(aggregateFill({ recordsPerSecond: 0, recordBytes: 100, partitionKeyBytes: 16 })).to.deep.equal({
      records: 410,
      bytes: 51_142,
    });
  });

  it("1,000 records/s of 200 B on 2 shards: 20 aggregates/s instead of 1,000 records", () => {
    const e = aggregationEffect({ recordsPerSecond: 1000, recordBytes: 200, partitionKeyBytes: 16 }, 2);
    // Without: every record is a PUT payload unit; 1,000 records/s fill one shard.
    expect(e.without).to.deep.include({ kinesisRecordsPerSecond: 1000, putPayloadUnitsPerSecond: 1000, fullShards: 1 });
    // On-demand rounds each 216 B record up to 1 KB: 1,024,000 B/s billed for 216,000 sent.
    expect(e.without.onDemandBilledBytesPerSecond).to.equal(1_024_000);
    // With: 500 records/s a shard, an aggregate every 100 ms holds 50: 20 aggregates/s, one unit each.
    expect(e.recordsPerAggregate).to.equal(50);
    expect(e.with).to.deep.include({ kinesisRecordsPerSecond: 20, putPayloadUnitsPerSecond: 20, fullShards: 1 });
  });

  it("100,000 records/s of 200 B: full 51,194 B aggregates of 226 records, two units each", () => {
    const e = aggregationEffect({ recordsPerSecond: 100_000, recordBytes: 200, partitionKeyBytes: 16 }, 32);
    expect(e.recordsPerAggregate).to.equal(226);
    expect(e.aggregateBytes).to.equal(51_194);
    expect(e.with.kinesisRecordsPerSecond).to.be.closeTo(100_000 / 226, 1e-9);
    expect(e.with.putPayloadUnitsPerSecond).to.be.closeTo((2 * 100_000) / 226, 1e-9);
    // Without aggregation 100,000 records/s need 100 shards (records bound); with it 22 (bytes bound:
    // 442.5 x 51,210 B = 22.66 MB/s = 21.6 MiB/s).
    expect(e.without.fullShards).to.equal(100);
    expect(e.with.fullShards).to.equal(22);
  });

  it("a record too large to share goes out alone", () => {
    const e = aggregationEffect({ recordsPerSecond: 10, recordBytes: 60_000, partitionKeyBytes: 16 }, 1);
    expect(e.recordsPerAggregate).to.equal(1);
    expect(e.with.putPayloadUnitsPerSecond).to.equal(10 * 3);
  });
});
