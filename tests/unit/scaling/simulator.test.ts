import { expect } from "chai";
import { FLINK_SCALING_DEFAULTS } from "../../../runtime/scaling/flink-policy";
import { SHARD_SCALING_DEFAULTS } from "../../../runtime/scaling/shard-policy";
import { countFlaps, simulate, SIMULATION_DEFAULTS, SimulationOptions } from "../../../runtime/scaling/simulator";
import { nabTrace, trace, TRACE_NAMES } from "../../../runtime/scaling/traces";
import { chartSvg } from "../../../runtime/scaling/chart-svg";

const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  ...SIMULATION_DEFAULTS,
  shards: { ...SHARD_SCALING_DEFAULTS, minShards: 1, maxShards: 32 },
  flink: { ...FLINK_SCALING_DEFAULTS, minParallelism: 1, maxParallelism: 32 },
  ...overrides,
});

describe("scaling simulator", () => {
  it("step: scales up at the first evaluation after the step, one window per doubling, until capacity covers the load", () => {
    const { recordsPerSecond } = trace("step");
    const result = simulate(recordsPerSecond, options());
    const ups = result.events.filter((e) => e.scaler === "shards" && e.to > e.from);
    const period = SHARD_SCALING_DEFAULTS.periodMinutes;
    // The step is at minute 60; the first evaluation that sees it ends at minute 64.
    expect(ups[0].minute).to.equal(60 + period - 1);
    // 2 -> 8 shards for 6,000/s takes two doublings: a window each, plus the reshard.
    const covered = result.minutes.find((m) => m.minute >= 60 && m.capacity >= m.load)!.minute;
    expect(covered - 60).to.be.at.most(period + 2 * period + SIMULATION_DEFAULTS.reshardMinutes);
    expect(result.minutes.slice(covered).every((m) => m.capacity >= m.load)).to.equal(true);
  });

  it("spiky: no up-down-up within the scale-down cooldown, and no scale-down sooner than it after a change", () => {
    const result = simulate(trace("spiky").recordsPerSecond, options());
    const shardEvents = result.events.filter((e) => e.scaler === "shards");
    expect(shardEvents.length).to.be.greaterThan(2);
    expect(result.flaps).to.equal(0);
    for (let i = 1; i < shardEvents.length; i++) {
      if (shardEvents[i].to < shardEvents[i].from) {
        expect(shardEvents[i].minute - shardEvents[i - 1].minute).to.be.at.least(
          SHARD_SCALING_DEFAULTS.scaleDownCooldownMinutes,
        );
      }
    }
  });

  it("counts a flap as a double reversal inside the window, not a slow cycle", () => {
    const e = (minute: number, from: number, to: number) => ({
      minute,
      scaler: "shards" as const,
      from,
      to,
      reason: "",
    });
    expect(countFlaps([e(0, 2, 4), e(10, 4, 2), e(20, 2, 4)], 30)).to.equal(1);
    expect(countFlaps([e(0, 2, 4), e(20, 4, 2), e(40, 2, 4)], 30)).to.equal(0);
    expect(countFlaps([e(0, 2, 4), e(5, 4, 8), e(10, 8, 16)], 30)).to.equal(0);
  });

  it("slow consumers: no scale-down while they lag, even when the load falls away", () => {
    // 4 shards at most, consumers that read 600 records/s per shard: at 3,000/s they fall
    // behind for two hours; then the load drops to 100/s (2.5% usage) while they catch up.
    const load = [...Array.from({ length: 120 }, () => 3000), ...Array.from({ length: 120 }, () => 100)];
    const opts = options({ consumerRecordsPerShard: 600, initialShards: 4 });
    const result = simulate(load, { ...opts, shards: { ...opts.shards, maxShards: 4 } });
    const period = SHARD_SCALING_DEFAULTS.periodMinutes;
    const downs = result.events.filter((e) => e.scaler === "shards" && e.to < e.from);
    expect(result.maxIteratorAgeMs).to.be.greaterThan(60_000);
    // It does scale down once they have caught up: the checks below are not vacuous.
    expect(downs.length).to.be.greaterThan(0);
    for (const down of downs) {
      const window = result.minutes.slice(down.minute - period + 1, down.minute + 1);
      expect(Math.max(...window.map((m) => m.iteratorAgeMs)), `scale-down at ${down.minute}`).to.be.at.most(60_000);
    }
    // And the lag did block some: low usage windows passed without a scale-down while lagging.
    const lowAndLagging = result.minutes.filter((m) => m.minute >= 120 && m.iteratorAgeMs > 60_000);
    expect(lowAndLagging.length).to.be.greaterThan(0);
  });

  for (const name of TRACE_NAMES) {
    it(`${name}: never beyond min/max, every change at most double or half`, () => {
      const opts = options();
      const result = simulate(trace(name).recordsPerSecond, opts);
      for (const e of result.events) {
        const [min, max] =
          e.scaler === "shards"
            ? [opts.shards.minShards, opts.shards.maxShards]
            : [opts.flink.minParallelism, opts.flink.maxParallelism];
        expect(e.to).to.be.within(min, max);
        expect(e.to).to.be.at.most(e.from * 2);
        expect(e.to).to.be.at.least(Math.ceil(e.from / 2));
      }
      expect(result.minutes.every((m) => m.shards >= 1 && m.shards <= 32)).to.equal(true);
    });
  }

  it("nab: the real NYC taxi series, each half hour held 30 minutes and scaled to the peak", () => {
    const csv = "timestamp,value\n2014-07-01 00:00:00,100\n2014-07-01 00:30:00,400\n";
    const t = nabTrace(csv, 1, 8000);
    expect(t).to.have.length(60);
    expect(t[0]).to.equal(2000);
    expect(t[59]).to.equal(8000);
    expect(trace("nab").recordsPerSecond).to.have.length(14 * 48 * 30);
    expect(() => nabTrace("timestamp,value\nx,y\n", 1, 1)).to.throw(/unreadable values/);
  });
});

describe("scaling chart", () => {
  it("is a self-contained SVG with a title, a text description and the three lines", () => {
    const result = simulate(trace("step").recordsPerSecond, options());
    const svg = chartSvg("step <test>", result);
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img" aria-labelledby="t d">/);
    expect(svg).to.contain('<title id="t">step &lt;test&gt;</title>');
    expect(svg).to.match(
      /<desc id="d">[^<]*3 shard changes; 12 minutes over capacity; 35.3 shard-hours over 4.0 hours.<\/desc>/,
    );
    expect(svg.match(/<polyline /g)).to.have.length(3);
    expect(svg).to.not.match(/https?:\/\/(?!www.w3.org\/2000\/svg)/);
  });

  it("with a baseline: its shards as a fourth, dashed line, named in the legend and the description", () => {
    const load = trace("step").recordsPerSecond;
    const result = simulate(load, options());
    const doubling = simulate(load, options({ shards: { ...options().shards, stepping: "double-halve" } }));
    const svg = chartSvg("step", result, { label: "doubling policy", result: doubling });
    expect(svg.match(/<polyline /g)).to.have.length(4);
    expect(svg).to.contain('stroke-dasharray="2 2"');
    expect(svg).to.contain(">doubling policy shards</text>");
    expect(svg).to.match(/doubling policy: 3 shard changes; 12 minutes over capacity; 46.0 shard-hours.<\/desc>/);
  });
});
