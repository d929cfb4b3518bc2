import { expect } from "chai";
import {
  addHours,
  closedBefore,
  firstHourToCompact,
  hourPartition,
  hourStart,
  hoursToCompact,
} from "../../../runtime/lake/compaction/closed-hours";
import { ShardProgress } from "../../../runtime/lake/progress";

const progress = (shardId: string, storedBefore: string | null, shardEnded = false): ShardProgress => ({
  shardId,
  storedBefore,
  shardEnded,
  writtenAt: "2026-12-07T12:00:00.000Z",
});
const NOW = Date.parse("2026-12-07T12:30:00Z");
const SLACK = 600_000;

describe("lake compaction: which hours are closed", () => {
  const cases: [string, string[], ShardProgress[], string | undefined][] = [
    ["no shard: nothing is known closed", [], [], undefined],
    ["a shard without progress holds every hour open", ["a", "b"], [progress("a", "2026-12-07T12:20:00Z")], undefined],
    ["a shard whose progress knows nothing yet holds every hour open", ["a"], [progress("a", null)], undefined],
    [
      "one shard past the hour's end by the slack closes it",
      ["a"],
      [progress("a", "2026-12-07T12:10:00Z")],
      "2026-12-07 12",
    ],
    [
      "one shard short of the slack keeps the hour open",
      ["a"],
      [progress("a", "2026-12-07T12:09:59.999Z")],
      "2026-12-07 11",
    ],
    [
      "the slowest shard decides",
      ["a", "b"],
      [progress("a", "2026-12-07T12:25:00Z"), progress("b", "2026-12-07T10:05:00Z")],
      "2026-12-07 09",
    ],
    [
      "an ended shard holds nothing back",
      ["a", "b"],
      [progress("a", "2026-12-07T12:25:00Z"), progress("b", "2026-12-07T01:00:00Z", true)],
      "2026-12-07 12",
    ],
    ["an ended shard without a time holds nothing back", ["a"], [progress("a", null, true)], "2026-12-07 12"],
    ["progress ahead of the clock is bounded by now", ["a"], [progress("a", "2026-12-07T18:00:00Z")], "2026-12-07 12"],
    ["across midnight", ["a"], [progress("a", "2026-12-08T00:05:00Z")], "2026-12-07 23"],
  ];
  for (const [name, shards, list, want] of cases) {
    it(name, () => {
      const map = new Map(list.map((p) => [p.shardId, p]));
      const now = name.startsWith("across") ? Date.parse("2026-12-08T01:00:00Z") : NOW;
      expect(closedBefore(shards, map, SLACK, now)).to.equal(want);
    });
  }
});

describe("lake compaction: the hours a run walks", () => {
  const cases: [string, string, string, number, string[]][] = [
    ["none when all closed hours are compacted", "2026-12-07 12", "2026-12-07 12", 48, []],
    ["none when the state is ahead (another run moved it)", "2026-12-07 13", "2026-12-07 12", 48, []],
    [
      "each closed hour in order",
      "2026-12-07 09",
      "2026-12-07 12",
      48,
      ["2026-12-07 09", "2026-12-07 10", "2026-12-07 11"],
    ],
    ["across midnight", "2026-12-07 23", "2026-12-08 01", 48, ["2026-12-07 23", "2026-12-08 00"]],
    ["at most max", "2026-12-01 00", "2026-12-07 00", 2, ["2026-12-01 00", "2026-12-01 01"]],
  ];
  for (const [name, from, closed, max, want] of cases) {
    it(name, () => expect(hoursToCompact(from, closed, max)).to.deep.equal(want));
  }

  const starts: [string, string | undefined, string, string | undefined][] = [
    ["an empty lake has nothing to start from", undefined, "2026-12-07 12", undefined],
    ["a lake starts at its earliest object's hour", "2026-12-05 03", "2026-12-07 12", "2026-12-05 03"],
    ["never past the first open hour", "2026-12-07 14", "2026-12-07 12", "2026-12-07 12"],
  ];
  for (const [name, earliest, closed, want] of starts) {
    it(name, () => expect(firstHourToCompact(earliest, closed)).to.equal(want));
  }

  it("hour keys: arithmetic and refusals", () => {
    expect(addHours("2026-12-31 23", 1)).to.equal("2027-01-01 00");
    expect(hourStart("2026-12-07 05")).to.equal(Date.parse("2026-12-07T05:00:00Z"));
    expect(hourPartition("2026-12-07 05")).to.deep.equal({ date: "2026-12-07", hour: "05" });
    for (const bad of ["2026-12-07", "2026-12-07 24", "2026-02-30 01", "2026-12-07T05"]) {
      expect(() => hourStart(bad), bad).to.throw(/"YYYY-MM-DD HH"/);
    }
  });
});
