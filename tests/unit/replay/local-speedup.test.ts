/** LOCAL_REPLAY_SPEEDUP: whether `npm start` replays taxi trips, and how fast. */
import { expect } from "chai";

import { parseLocalEnv } from "../../../runtime/local/local-env";
import { SUGGESTED_REPLAY_SPEEDUP } from "../../../runtime/replay/contract";
import { UsageError } from "../../../runtime/common/usage-error";

describe("LOCAL_REPLAY_SPEEDUP", () => {
  const speedup = (value: string | undefined) =>
    parseLocalEnv(value === undefined ? {} : { LOCAL_REPLAY_SPEEDUP: value }, "/").replaySpeedup;
  const GOOD: [string | undefined, number | undefined][] = [
    [undefined, SUGGESTED_REPLAY_SPEEDUP],
    ["", SUGGESTED_REPLAY_SPEEDUP],
    ["0", undefined],
    ["3600", 3600],
    ["0.5", 0.5],
  ];
  for (const [value, expected] of GOOD) {
    it(`${JSON.stringify(value)} is ${expected ?? "off"}`, () => expect(speedup(value)).to.equal(expected));
  }

  // Each refused value as the message shows it: bare, or quoted when it has spaces.
  for (const [value, shown] of [
    ["fast", "fast"],
    ["-1", "-1"],
    ["Infinity", "Infinity"],
    [" ", '" "'],
  ]) {
    it(`refuses ${JSON.stringify(value)}, naming it and what is allowed`, () => {
      expect(() => speedup(value)).to.throw(
        UsageError,
        `LOCAL_REPLAY_SPEEDUP must be 0 for no replay, or a positive number, got ${shown}`,
      );
    });
  }
});
