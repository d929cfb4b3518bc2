import { expect } from "chai";
import { OpenSegmentState, RollDecision, rollDecision, segmentsPerHour } from "../../../runtime/lake/roll-policy";

describe("lake roll policy", () => {
  const settings = { maxBytes: 1000, maxAgeMs: 60_000 };
  const cases: [string, OpenSegmentState, number, RollDecision][] = [
    ["empty never rolls, however old", { records: 0, bytes: 0, openedAt: 0 }, 10_000_000, "keep"],
    ["small and young keeps", { records: 3, bytes: 999, openedAt: 0 }, 59_999, "keep"],
    ["reaching the size rolls", { records: 3, bytes: 1000, openedAt: 0 }, 1, "size"],
    ["reaching the age rolls", { records: 1, bytes: 1, openedAt: 0 }, 60_000, "age"],
    ["size wins over age", { records: 9, bytes: 5000, openedAt: 0 }, 90_000, "size"],
  ];
  for (const [name, state, now, want] of cases) {
    it(name, () => expect(rollDecision(state, settings, now)).to.equal(want));
  }
});

describe("lake segments an hour under steady load", () => {
  const settings = { maxBytes: 64 * 2 ** 20, maxAgeMs: 300_000 };
  const cases: [string, number, number][] = [
    ["no load cuts nothing", 0, 0],
    ["light load: the roll time, 12 an hour", 200_000, 12],
    ["64 MiB in exactly 300 s: either rule, 12", (64 * 2 ** 20) / 300, 12],
    ["a full shard (1 MiB/s): 64 MiB every 64 s", 2 ** 20, 3600 / 64],
  ];
  for (const [name, bytesPerSecond, want] of cases) {
    it(name, () => expect(segmentsPerHour(bytesPerSecond, settings)).to.be.closeTo(want, 1e-9));
  }
});
