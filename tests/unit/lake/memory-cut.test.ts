/** Which open segment a lake worker cuts to stay within its memory budget, by table. */
import { expect } from "chai";
import {
  BufferedSegment,
  HELD_BYTES_PER_ROW,
  heldBytesOf,
  MemoryDecision,
  memoryDecision,
} from "../../../runtime/lake/memory-cut";

const seg = (shardId: string, bytes: number, state: BufferedSegment["state"] = "open"): BufferedSegment => ({
  shardId,
  bytes,
  state,
});

describe("lake memory budget: which segment to cut", () => {
  const budget = 1000;
  const cases: [string, BufferedSegment[], number, MemoryDecision][] = [
    ["nothing buffered admits", [], 10, { kind: "admit" }],
    ["exactly at the budget admits", [seg("a", 600), seg("b", 390)], 10, { kind: "admit" }],
    ["one byte over cuts the largest", [seg("a", 600), seg("b", 391)], 10, { kind: "cut", shardId: "a" }],
    [
      "the largest whatever the order listed",
      [seg("c", 100), seg("b", 500), seg("a", 400)],
      10,
      { kind: "cut", shardId: "b" },
    ],
    [
      "ties go to the lowest shard id",
      [seg("shardId-2", 500), seg("shardId-1", 500)],
      10,
      { kind: "cut", shardId: "shardId-1" },
    ],
    ["one segment alone at the budget is cut", [seg("a", 1000)], 1, { kind: "cut", shardId: "a" }],
    [
      "a claimed segment cannot be cut: the largest open one is",
      [seg("a", 700, "claimed"), seg("b", 300)],
      10,
      { kind: "cut", shardId: "b" },
    ],
    [
      "a segment being stored is not cut again",
      [seg("a", 700, "storing"), seg("b", 300)],
      10,
      { kind: "cut", shardId: "b" },
    ],
    [
      "only a cut in flight could free bytes: wait for it",
      [seg("a", 700, "storing"), seg("b", 300, "claimed")],
      10,
      { kind: "wait" },
    ],
    [
      "only claimed segments: admit over the budget (they must be read to their ends)",
      [seg("a", 700, "claimed"), seg("b", 300, "claimed")],
      10,
      { kind: "admit" },
    ],
    ["an empty open segment frees nothing", [seg("a", 0), seg("b", 1000, "claimed")], 10, { kind: "admit" }],
    ["a record larger than the budget, nothing buffered: admitted", [], 5000, { kind: "admit" }],
  ];
  for (const [name, segments, incoming, want] of cases) {
    it(name, () => expect(memoryDecision(segments, incoming, budget)).to.deep.equal(want));
  }
});

describe("what a buffered record counts against the budget", () => {
  const cases: [number, number][] = [
    [0, HELD_BYTES_PER_ROW],
    [100, 100 + HELD_BYTES_PER_ROW],
    [1024, 1024 + HELD_BYTES_PER_ROW],
  ];
  for (const [bytes, held] of cases) {
    it(`${bytes} B of data hold ${held} B with the row's objects`, () => expect(heldBytesOf({ bytes })).to.equal(held));
  }
  it("a 64 MiB segment of 100 B records counts about what bench:lake measured it to hold (about 400 MiB)", () => {
    const rows = (64 * 2 ** 20) / 100;
    expect((rows * heldBytesOf({ bytes: 100 })) / 2 ** 20).to.be.within(380, 420);
  });
});
