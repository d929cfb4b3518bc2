import { expect } from "chai";
import { OpenSegmentState, RollDecision, rollDecision } from "../../../runtime/lake/roll-policy";

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
