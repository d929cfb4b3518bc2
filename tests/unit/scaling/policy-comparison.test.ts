import { expect } from "chai";
import { priceSheet } from "../../../runtime/cost/price-table";
import { comparePolicies } from "../../../runtime/scaling/policy-comparison";
import { trace, TRACE_NAMES } from "../../../runtime/scaling/traces";

const prices = priceSheet("us-east-1").prices;

describe("right-sizing shard policy against the doubling one (same run, same traces)", () => {
  const runs = Object.fromEntries(
    TRACE_NAMES.map((name) => [name, comparePolicies(trace(name).recordsPerSecond, prices)]),
  );

  for (const name of ["step", "diurnal"] as const) {
    it(`${name}: at least 20% fewer shard-hours`, () => {
      const c = runs[name];
      expect(c.rightSizing.result.shardHours).to.be.at.most(0.8 * c.doubling.result.shardHours);
      expect(c.shardHoursSaved).to.be.at.least(0.2);
    });
  }

  for (const name of TRACE_NAMES) {
    it(`${name}: no more minutes over capacity, and fewer or equal shard dollars`, () => {
      const c = runs[name];
      expect(c.rightSizing.result.minutesOverCapacity).to.be.at.most(c.doubling.result.minutesOverCapacity);
      expect(c.rightSizing.cost.shardsUsd).to.be.at.most(c.doubling.cost.shardsUsd);
    });
  }

  it("spiky: no flaps", () => expect(runs.spiky.rightSizing.result.flaps).to.equal(0));

  it("step: 6,000 records/s ends on 8 to 12 shards, not 16", () => {
    const last = (r: { result: { minutes: { shards: number }[] } }) => r.result.minutes.at(-1)!.shards;
    expect(last(runs.step.rightSizing)).to.be.within(8, 12);
    expect(last(runs.step.doubling)).to.equal(16);
  });

  it("both runs see the same trace and Flink policy: the same KPU-hours", () => {
    for (const name of TRACE_NAMES) {
      expect(runs[name].rightSizing.result.kpuHours, name).to.equal(runs[name].doubling.result.kpuHours);
    }
  });
});
