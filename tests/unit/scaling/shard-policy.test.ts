import { expect } from "chai";
import {
  decideShardScaling,
  iteratorAgeMinutes,
  SHARD_SCALING_DEFAULTS,
  ShardHold,
  ShardMetrics,
  StreamState,
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
    ["at 75% it doubles", bytesAt(0.75), {}, "scale-up", 8, /usage 75.0% >= 75.0%/],
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
