import { expect } from "chai";
import {
  decideFlinkScaling,
  FLINK_SCALING_DEFAULTS,
  FlinkAppState,
  FlinkHold,
  FlinkPeriod,
  kpus,
} from "../../../runtime/scaling/flink-policy";

const NOW = Date.UTC(2026, 10, 21, 12);
const MIN = 60_000;
const config = { ...FLINK_SCALING_DEFAULTS, minParallelism: 1, maxParallelism: 64 };
const app = (overrides: Partial<FlinkAppState> = {}): FlinkAppState => ({
  status: "RUNNING",
  parallelism: 4,
  parallelismPerKpu: 1,
  now: NOW,
  ...overrides,
});
const behind = (n: number, ms = 90_000): FlinkPeriod[] =>
  Array.from({ length: n }, () => ({ millisBehindLatest: ms, cpuPercent: 90 }));
const idle = (n: number, cpu = 10): FlinkPeriod[] =>
  Array.from({ length: n }, () => ({ millisBehindLatest: 0, cpuPercent: cpu }));

describe("Flink scaler policy", () => {
  it("counts KPUs as parallelism / parallelismPerKpu, rounded up", () => {
    expect([kpus(4, 1), kpus(5, 2), kpus(8, 4), kpus(1, 8)]).to.deep.equal([4, 3, 2, 1]);
  });

  // Per row: the action, then the new parallelism of a change or the code of a hold, then the reason.
  const table: [string, FlinkPeriod[], Partial<FlinkAppState>, string, number | FlinkHold, RegExp][] = [
    [
      "behind > 60 s for 3 periods: doubles",
      behind(3),
      {},
      "scale-out",
      8,
      /behind > 60000 ms for 3 periods: 4 -> 8 KPUs/,
    ],
    ["behind for only 2 periods: waits", behind(2), {}, "none", "steady", /neither/],
    [
      "a period back under 60 s breaks the run",
      [...behind(2), { millisBehindLatest: 10_000, cpuPercent: 80 }, ...behind(2)],
      {},
      "none",
      "steady",
      /neither/,
    ],
    ["exactly 60 s is not above it", behind(3, 60_000), {}, "none", "steady", /neither/],
    [
      "never beyond maxParallelism",
      behind(3),
      { parallelism: 40, parallelismPerKpu: 4 },
      "scale-out",
      64,
      /10 -> 16 KPUs/,
    ],
    ["never beyond 32 KPUs: 20 goes to 32, not 40", behind(3), { parallelism: 20 }, "scale-out", 32, /20 -> 32 KPUs/],
    [
      "never beyond 32 KPUs: at 2 per KPU, 64",
      behind(3),
      { parallelism: 48, parallelismPerKpu: 2 },
      "scale-out",
      64,
      /24 -> 32 KPUs/,
    ],
    [
      "at the KPU limit: nothing",
      behind(3),
      { parallelism: 32 },
      "none",
      "at-max",
      /at the limit \(maxParallelism 64, 32 KPUs = 32\)/,
    ],
    ["caught up and idle for 6 periods: halves", idle(6), {}, "scale-in", 2, /caught up/],
    ["caught up but busy CPU: stays", idle(6, 60), {}, "none", "steady", /neither/],
    [
      "no CPU data: no scale-in on a guess",
      idle(6).map((p) => ({ ...p, cpuPercent: undefined })),
      {},
      "none",
      "steady",
      /neither/,
    ],
    ["idle for 5 periods only: stays", idle(5), {}, "none", "steady", /neither/],
    ["at minParallelism: nothing", idle(6), { parallelism: 1 }, "none", "at-min", /already at minParallelism 1/],
    ["halving rounds up: 3 to 2", idle(6), { parallelism: 3 }, "scale-in", 2, /caught up/],
    ["not while UPDATING", behind(3), { status: "UPDATING" }, "none", "not-running", /application is UPDATING/],
    ["not while STARTING", behind(3), { status: "STARTING" }, "none", "not-running", /application is STARTING/],
    [
      "a change 4 minutes ago: cooldown",
      behind(3),
      { lastChangeAt: NOW - 4 * MIN },
      "none",
      "cooldown",
      /in cooldown \(4.0 of 10 min\)/,
    ],
    ["11 minutes ago: goes", behind(3), { lastChangeAt: NOW - 11 * MIN }, "scale-out", 8, /behind/],
    [
      "a scale-in waits for the same cooldown (a restart either way)",
      idle(6),
      { lastChangeAt: NOW - 4 * MIN },
      "none",
      "cooldown",
      /caught up .* but in cooldown \(4.0 of 10 min\)/,
    ],
    ["no history at all: nothing", [], {}, "none", "steady", /neither/],
  ];
  for (const [name, periods, state, action, toOrCode, reason] of table) {
    it(name, () => {
      const decision = decideFlinkScaling(periods, app(state), config);
      expect(decision.action).to.equal(action);
      if (decision.action !== "none") expect(decision.to).to.equal(toOrCode);
      else expect(decision.code).to.equal(toOrCode);
      expect(decision.reason).to.match(reason);
    });
  }
});
