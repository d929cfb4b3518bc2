import { expect } from "chai";
import { priceSheet } from "../../../runtime/cost/price-table";
import { simulationCost } from "../../../runtime/scaling/simulation-cost";
import { MinuteState, SimulationResult } from "../../../runtime/scaling/simulator";

const prices = priceSheet("us-east-1").prices;

function result(minutes: Omit<MinuteState, "minute" | "iteratorAgeMs" | "millisBehindLatest">[]): SimulationResult {
  return {
    events: [],
    minutes: minutes.map((m, minute) => ({ ...m, minute, iteratorAgeMs: 0, millisBehindLatest: 0 })),
    minutesOverCapacity: 0,
    shardHours: 0,
    kpuHours: 0,
    flaps: 0,
    maxIteratorAgeMs: 0,
  };
}

describe("the simulator's dollars", () => {
  it("an idle hour on 2 shards and one KPU: shards, KPUs with orchestration, and an idle on-demand stream", () => {
    const idle = Array.from({ length: 60 }, () => ({ load: 0, shards: 2, capacity: 2000, parallelism: 1 }));
    const cost = simulationCost(result(idle), { recordBytes: 200, parallelismPerKpu: 1 }, prices);
    // By hand: 2 shards x $0.015 = $0.03; (1 KPU + 1 orchestration) x $0.11 = $0.22;
    // no records: no PUT payload units; on-demand: the stream-hour, $0.04.
    expect(cost.shardsUsd).to.be.closeTo(0.03, 1e-9);
    expect(cost.kpusUsd).to.be.closeTo(0.22, 1e-9);
    expect(cost.putUnitsUsd).to.equal(0);
    expect(cost.onDemandStreamUsd).to.be.closeTo(0.04, 1e-9);
    expect(cost.provisionedTotalUsd).to.be.closeTo(0.25, 1e-9);
    expect(cost.onDemandTotalUsd).to.be.closeTo(0.26, 1e-9);
  });

  it("a busy hour: 1,000 records/s of 200 B on 2 shards", () => {
    const busy = Array.from({ length: 60 }, () => ({ load: 1000, shards: 2, capacity: 2000, parallelism: 1 }));
    const cost = simulationCost(result(busy), { recordBytes: 200, parallelismPerKpu: 1 }, prices);
    // By hand: each shard gets 500 records/s, an aggregate leaves every 100 ms with 50
    // records (well under 51,200 B: one PUT payload unit), so 20 aggregates/s:
    // 20 x 3,600 = 72,000 units = $0.014 x 0.072 = $0.001008.
    expect(cost.putUnitsUsd).to.be.closeTo(0.001008, 1e-9);
    // On-demand spreads it over its initial 4 shards: 250 records/s each, 25 records an
    // aggregate, 40 aggregates/s of 25 x 51,194 / 226 B (the encoder's 51,194 B for 226
    // records, scaled) = 5,663 B + a 16 B key, billed as 6 KB: 40 x 6,144 x 3,600 B =
    // 0.824 GB in at $0.08; out: 2 readers x 40 x 5,679 x 3,600 B = 1.52 GB at $0.04; + $0.04.
    const aggregate = (51_194 * 25) / 226 + 16;
    const gbIn = (40 * 6_144 * 3600) / 1024 ** 3;
    const gbOut = (2 * 40 * aggregate * 3600) / 1024 ** 3;
    expect(cost.onDemandStreamUsd).to.be.closeTo(0.04 + gbIn * 0.08 + gbOut * 0.04, 1e-9);
  });
});
