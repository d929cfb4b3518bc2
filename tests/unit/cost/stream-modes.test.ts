import { expect } from "chai";
import { priceSheet } from "../../../runtime/cost/price-table";
import { compareModes, scaledShards } from "../../../runtime/cost/stream-modes";
import { aggregationEffect } from "../../../runtime/cost/stream-traffic";

const prices = priceSheet("us-east-1").prices;
const traffic = { recordsPerSecond: 1000, recordBytes: 200, partitionKeyBytes: 16 };

describe("provisioned against on-demand", () => {
  it("the scaler holds the load at its target: 3,000 aggregated records/s of 10 KB is 29 MiB/s over 0.5 = 59 shards", () => {
    const load = {
      ...aggregationEffect(traffic, 1).with,
      kinesisRecordsPerSecond: 3000,
      bytesPerSecond: 3000 * 10_240,
    };
    expect(scaledShards(load, { minShards: 1, maxShards: 100, targetUsage: 0.5 })).to.equal(
      Math.ceil((3000 * 10_240) / 1024 ** 2 / 0.5),
    );
    expect(scaledShards(load, { minShards: 1, maxShards: 40, targetUsage: 0.5 })).to.equal(40);
    expect(
      scaledShards(
        { ...load, kinesisRecordsPerSecond: 0, bytesPerSecond: 0 },
        { minShards: 2, maxShards: 8, targetUsage: 0.5 },
      ),
    ).to.equal(2);
  });

  it("1,000 records/s of 200 B: monthly figures by hand", () => {
    const c = compareModes(traffic, { fixedShards: 2 }, 2, prices);
    // Provisioned, 2 shards: 2 x 730 x $0.015 = $21.90; 20 aggregates/s (500 records/s a
    // shard, 50 an aggregate, one unit each) x 2,628,000 s = 52.56M units x $0.014 = $0.73584.
    expect(c.provisioned.shards).to.equal(2);
    expect(c.provisioned.monthlyUsd).to.be.closeTo(21.9 + 52.56 * 0.014, 1e-9);
    // On-demand: 730 x $0.04 = $29.20; in: 20 x 12 KB (11,342 B rounded up) x 2,628,000 s;
    // out: 2 readers x 20 x 11,342 B x 2,628,000 s.
    const aggregate = (51_194 * 50) / 226 + 16;
    const gbIn = (20 * 12_288 * 2_628_000) / 1024 ** 3;
    const gbOut = (2 * 20 * aggregate * 2_628_000) / 1024 ** 3;
    expect(c.onDemand.monthlyUsd).to.be.closeTo(29.2 + gbIn * 0.08 + gbOut * 0.04, 1e-9);
  });

  it("a fixed stream of 20 shards: on-demand is cheaper below the break-even rate, provisioned above", () => {
    const c = compareModes(traffic, { fixedShards: 20 }, 2, prices);
    expect(c.cheaperAtZero).to.equal("on-demand");
    expect(c.breakEvenRecordsPerSecond).to.have.length(1);
    const [rate] = c.breakEvenRecordsPerSecond;
    const below = compareModes({ ...traffic, recordsPerSecond: rate * 0.9 }, { fixedShards: 20 }, 2, prices);
    const above = compareModes({ ...traffic, recordsPerSecond: rate * 1.1 }, { fixedShards: 20 }, 2, prices);
    expect(below.onDemand.monthlyUsd).to.be.lessThan(below.provisioned.monthlyUsd);
    expect(above.onDemand.monthlyUsd).to.be.greaterThan(above.provisioned.monthlyUsd);
  });

  it("with the right-sizing scaler from 1 shard, steady traffic is cheaper provisioned at every rate", () => {
    const c = compareModes(
      traffic,
      { scaler: { minShards: 1, maxShards: 10_000, targetUsage: 0.5 } },
      2,
      prices,
      200_000,
    );
    expect(c.cheaperAtZero).to.equal("provisioned");
    expect(c.breakEvenRecordsPerSecond).to.deep.equal([]);
  });
});
