import { expect } from "chai";
import {
  decideShardScaling,
  iteratorAgeMinutes,
  rightSizedShards,
  SHARD_SCALING_DEFAULTS,
  ShardHold,
  ShardMetrics,
  StreamState,
  TARGET_USAGE_RANGE,
  usageFactor,
} from "../../../runtime/scaling/shard-policy";

const MIB = 1024 * 1024;
const PERIOD_S = 5 * 60;
const NOW = Date.UTC(2026, 10, 21, 12);
const MIN = 60_000;
const config = { ...SHARD_SCALING_DEFAULTS, minShards: 1, maxShards: 64 };
const stream = (overrides: Partial<StreamState> = {}): StreamState => ({
  mode: "PROVISIONED",
  status: "ACTIVE",
  openShards: 4,
  updates: [],
  now: NOW,
  ...overrides,
});
/** A period's sums at `fraction` of 4 shards' byte capacity. */
const bytesAt = (fraction: number, shards = 4): ShardMetrics => ({ incomingBytes: fraction * MIB * PERIOD_S * shards });

describe("shard scaler policy", () => {
  const usage: [string, ShardMetrics, number][] = [
    ["no data at all (idle stream): zero", {}, 0],
    ["bytes at half capacity", bytesAt(0.5), 0.5],
    ["records at 80% of 1,000/s per shard", { incomingRecords: 0.8 * 1000 * PERIOD_S * 4 }, 0.8],
    [
      "the busier of bytes and records",
      { incomingBytes: 0.3 * MIB * PERIOD_S * 4, incomingRecords: 0.9 * 1000 * PERIOD_S * 4 },
      0.9,
    ],
    ["over capacity shows above 1", bytesAt(1.5), 1.5],
  ];
  for (const [name, metrics, expected] of usage) {
    it(`usage factor: ${name}`, () => expect(usageFactor(metrics, 4, 5)).to.be.closeTo(expected, 1e-9));
  }

  it("iterator age in minutes divides milliseconds by 60,000 (the reference's *1000/60 is a unit slip)", () => {
    expect(iteratorAgeMinutes(120_000)).to.equal(2);
    expect(iteratorAgeMinutes(30_000)).to.equal(0.5);
    expect(iteratorAgeMinutes(120_000)).to.not.equal((120_000 * 1000) / 60);
  });

  // Per row: the action, then the new count of a change or the code of a hold, then the reason.
  const table: [string, ShardMetrics, Partial<StreamState>, string, number | ShardHold, RegExp][] = [
    [
      "at 75% it grows to the count that brings usage to 50%: 4 x 0.75 / 0.5 = 6",
      bytesAt(0.75),
      {},
      "scale-up",
      6,
      /usage 75.0% >= 75.0% \(to 50.0%: 6 shards\)/,
    ],
    ["at 90%: 4 x 0.9 / 0.5 = 7.2, rounded up to 8", bytesAt(0.9), {}, "scale-up", 8, /usage 90.0%/],
    ["full shards (usage 100%): demand unknown, the largest step", bytesAt(1), {}, "scale-up", 8, /usage 100.0%/],
    [
      "below 25% it halves: the target's count (20 x 0.2 / 0.5 = 8) is below UpdateShardCount's half",
      bytesAt(0.2, 20),
      { openShards: 20 },
      "scale-down",
      10,
      /usage 20.0% < 25.0% \(to 50.0%: 8 shards\)/,
    ],
    [
      "the account's free shards bound a scale-up: 4 + 1",
      bytesAt(0.9),
      { accountShardsFree: 1 },
      "scale-up",
      5,
      /usage 90.0%/,
    ],
    [
      "no free shards in the account: nothing",
      bytesAt(0.9),
      { accountShardsFree: 0 },
      "none",
      "account-limit",
      /the account has no shards free in this region/,
    ],
    ["at 74% it stays", bytesAt(0.74), {}, "none", "in-band", /within 25.0%..75.0%/],
    ["over capacity it still only doubles (UpdateShardCount's limit)", bytesAt(3), {}, "scale-up", 8, /usage/],
    ["below 25% it halves", bytesAt(0.1), {}, "scale-down", 2, /usage 10.0% < 25.0%/],
    ["an idle stream (no data) halves", {}, {}, "scale-down", 2, /usage 0.0%/],
    ["halving rounds up: 5 shards go to 3", { incomingBytes: 0 }, { openShards: 5 }, "scale-down", 3, /usage/],
    ["never above maxShards", bytesAt(0.9, 40), { openShards: 40 }, "scale-up", 64, /usage/],
    ["at maxShards: nothing", bytesAt(0.9, 64), { openShards: 64 }, "none", "at-max", /already at maxShards 64/],
    ["at minShards: nothing", {}, { openShards: 1 }, "none", "at-min", /already at minShards 1/],
    [
      "consumers lagging 2 minutes block a scale-down",
      { ...bytesAt(0.1), iteratorAgeMaxMs: 2 * MIN },
      {},
      "none",
      "consumers-lagging",
      /consumers lag 2.0 min \(> 1 min\): no scale-down/,
    ],
    ["a lag of 30 s does not", { ...bytesAt(0.1), iteratorAgeMaxMs: 30_000 }, {}, "scale-down", 2, /usage/],
    ["lag never blocks a scale-up", { ...bytesAt(0.9), iteratorAgeMaxMs: 60 * MIN }, {}, "scale-up", 8, /usage/],
    ["on-demand streams are AWS's", bytesAt(0.9), { mode: "ON_DEMAND" }, "none", "on-demand", /on-demand stream/],
    [
      "no call while UPDATING",
      bytesAt(0.9),
      { status: "UPDATING" },
      "none",
      "not-active",
      /stream is UPDATING: UpdateShardCount needs ACTIVE/,
    ],
    [
      "ten calls in 24 h: no more",
      bytesAt(0.9),
      { updates: Array.from({ length: 10 }, (_, i) => NOW - (i + 1) * 60 * MIN) },
      "none",
      "budget",
      /10 of 10 UpdateShardCount calls used in 24 h/,
    ],
    [
      "calls older than 24 h do not count",
      bytesAt(0.9),
      { updates: Array.from({ length: 10 }, (_, i) => NOW - 25 * 60 * MIN - i) },
      "scale-up",
      8,
      /usage/,
    ],
    [
      "the last two calls of the day are kept for scale-ups",
      bytesAt(0.1),
      { updates: Array.from({ length: 8 }, (_, i) => NOW - (i + 1) * 60 * MIN) },
      "none",
      "budget-reserved",
      /8 of 10 calls used in 24 h: the rest are kept for scale-ups/,
    ],
    [
      "... which a scale-up may still use",
      bytesAt(0.9),
      { updates: Array.from({ length: 8 }, (_, i) => NOW - (i + 1) * 60 * MIN) },
      "scale-up",
      8,
      /usage/,
    ],
    [
      "a shorter budget window (the local scale model) forgets older calls",
      bytesAt(0.9),
      { updates: Array.from({ length: 10 }, (_, i) => NOW - 150 * MIN - i) },
      "scale-up",
      8,
      /usage/,
    ],
    [
      "a scale-up waits 5 minutes after a change",
      bytesAt(0.9),
      { updates: [NOW - 3 * MIN] },
      "none",
      "up-cooldown",
      /3.0 min ago \(cooldown 5 min\)/,
    ],
    ["... and goes after them", bytesAt(0.9), { updates: [NOW - 6 * MIN] }, "scale-up", 8, /usage/],
    [
      "a scale-down waits 30 minutes after a change",
      bytesAt(0.1),
      { updates: [NOW - 20 * MIN] },
      "none",
      "down-cooldown",
      /20.0 min ago \(cooldown 30 min\)/,
    ],
  ];
  // The reference's rule, kept as the simulator's baseline: always double or halve.
  const doubling = { ...config, stepping: "double-halve" as const };
  const doublingTable: [string, ShardMetrics, Partial<StreamState>, number][] = [
    ["at 75% it doubles", bytesAt(0.75), {}, 8],
    ["at 90% it doubles", bytesAt(0.9), {}, 8],
    ["below 25% it halves", bytesAt(0.2, 20), { openShards: 20 }, 10],
    ["an idle stream halves, rounding up", {}, { openShards: 5 }, 3],
  ];
  for (const [name, metrics, state, to] of doublingTable) {
    it(`double-halve stepping: ${name}`, () => {
      const decision = decideShardScaling(metrics, stream(state), doubling);
      expect(decision.action).to.not.equal("none");
      if (decision.action !== "none") expect(decision.to).to.equal(to);
    });
  }

  const rightSized: [number, number, number][] = [
    // from, usage, the count at 50% (before UpdateShardCount's and the config's bounds)
    [4, 0.75, 6],
    [6, 0.75, 9],
    [7, 0.75, 11],
    [4, 0.9, 8],
    [2, 0.999, 4],
    [4, 1, 8],
    [4, 3, 8],
    [20, 0.2, 8],
    [10, 0.01, 1],
    [1, 0, 1],
  ];
  for (const [from, usage, to] of rightSized) {
    it(`rightSizedShards: ${from} shards at ${usage * 100}% -> ${to}`, () => {
      expect(rightSizedShards(from, usage, config)).to.equal(to);
    });
  }

  it("a lower target shrinks by less than half: 20 shards at 24% aiming at 40% go to 12", () => {
    const decision = decideShardScaling(bytesAt(0.24, 20), stream({ openShards: 20 }), { ...config, targetUsage: 0.4 });
    expect(decision).to.deep.include({ action: "scale-down", to: 12 });
  });

  it("the default target lies inside the thresholds and its range", () => {
    const { targetUsage, scaleDownBelow, scaleUpAt } = SHARD_SCALING_DEFAULTS;
    expect(targetUsage).to.be.greaterThan(scaleDownBelow).and.lessThan(scaleUpAt);
    expect(targetUsage).to.be.within(TARGET_USAGE_RANGE.min, TARGET_USAGE_RANGE.max);
  });

  it("a change lands inside the band: the next period (same traffic) neither grows nor shrinks it", () => {
    for (let from = 1; from <= 64; from++) {
      for (let u = 0; u <= 1.2; u += 0.01) {
        const d = decideShardScaling(bytesAt(u, from), stream({ openShards: from }), config);
        if (d.action === "none" || u >= 1) continue;
        const next = decideShardScaling(bytesAt(u * (from / d.to), d.to), stream({ openShards: d.to }), config);
        if (next.action === "none") continue;
        // Only a half-step scale-down (capped by UpdateShardCount) may be followed by another.
        expect(next.action, `${from} at ${u.toFixed(2)} -> ${d.to} -> ${next.action}`).to.equal(d.action);
        expect(d.action).to.equal("scale-down");
        expect(d.to).to.equal(Math.ceil(from / 2));
      }
    }
  });

  for (const [name, metrics, state, action, toOrCode, reason] of table) {
    it(name, () => {
      // The local scale model's window (144 min) for its own row; AWS's 24 h for the others.
      const window = name.startsWith("a shorter budget window") ? { budgetWindowMinutes: 144 } : {};
      const decision = decideShardScaling(metrics, stream(state), { ...config, ...window });
      expect(decision.action).to.equal(action);
      if (decision.action !== "none") {
        expect(decision.to).to.equal(toOrCode);
        expect(decision.to).to.be.at.most(decision.from * 2);
        expect(decision.to).to.be.at.least(Math.ceil(decision.from / 2));
      } else expect(decision.code).to.equal(toOrCode);
      expect(decision.reason).to.match(reason);
    });
  }
});
