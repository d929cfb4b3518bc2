/**
 * The shard progress rule, by tables: what each event of a writer makes W (storedBefore),
 * and whether the writer publishes now.
 */
import { expect } from "chai";
import {
  ProgressEvent,
  progressToPublish,
  ProgressState,
  storedBeforeAfter,
} from "../../../runtime/lake/progress-rule";

const T = Date.UTC(2026, 11, 7, 5, 0, 0);
const s = (seconds: number) => T + seconds * 1000;
const iso = (seconds: number) => new Date(s(seconds)).toISOString();

describe("shard progress: W after an event", () => {
  const cases: [string, number | undefined, ProgressEvent, number | undefined][] = [
    [
      "a stored segment with records read beyond it: the first of those",
      undefined,
      { kind: "segment-stored", lastArrival: s(10), nextArrival: s(12) },
      s(12),
    ],
    [
      "a stored segment with nothing read beyond it: its last record",
      undefined,
      { kind: "segment-stored", lastArrival: s(10) },
      s(10),
    ],
    [
      "a read at the tip, no segment open: when the read began",
      s(10),
      { kind: "caught-up", readAt: s(30), segmentOpen: false },
      s(30),
    ],
    [
      "a read at the tip with a segment open: unchanged",
      s(10),
      { kind: "caught-up", readAt: s(30), segmentOpen: true },
      s(10),
    ],
    [
      "a read at the tip with a segment open, nothing known: still nothing",
      undefined,
      { kind: "caught-up", readAt: s(30), segmentOpen: true },
      undefined,
    ],
    [
      "never backward: an earlier read at the tip",
      s(40),
      { kind: "caught-up", readAt: s(30), segmentOpen: false },
      s(40),
    ],
    [
      "never backward: a segment stored after a read at the tip (arrival before it)",
      s(30),
      { kind: "segment-stored", lastArrival: s(20), nextArrival: s(25) },
      s(30),
    ],
    [
      "a claim adopted from another writer ends before what was read: the first record beyond it",
      s(5),
      { kind: "segment-stored", lastArrival: s(8), nextArrival: s(9) },
      s(9),
    ],
  ];
  for (const [name, known, event, expected] of cases) {
    it(name, () => expect(storedBeforeAfter(known, event)).to.equal(expected));
  }
});

describe("shard progress: when to publish", () => {
  const MINUTE = 60_000;
  const base: ProgressState = { shardId: "shardId-000000000001", shardEnded: false, leaseLost: false };
  const cases: [string, ProgressState, number, { storedBefore: string | null; shardEnded: boolean } | undefined][] = [
    ["nothing known yet: nothing", base, s(0), undefined],
    ["the first W: at once", { ...base, known: s(10) }, s(11), { storedBefore: iso(10), shardEnded: false }],
    [
      "W moved, a minute since the last write: published",
      { ...base, known: s(70), published: { storedBefore: s(10), shardEnded: false, at: s(11) } },
      s(71),
      { storedBefore: iso(70), shardEnded: false },
    ],
    [
      "W moved, less than a minute since the last write: not yet",
      { ...base, known: s(70), published: { storedBefore: s(10), shardEnded: false, at: s(11) } },
      s(70),
      undefined,
    ],
    [
      "W did not move, an hour since the last write: nothing",
      { ...base, known: s(10), published: { storedBefore: s(10), shardEnded: false, at: s(11) } },
      s(3600),
      undefined,
    ],
    [
      "the shard ended: at once, whatever the interval",
      { ...base, known: s(12), shardEnded: true, published: { storedBefore: s(10), shardEnded: false, at: s(11) } },
      s(12),
      { storedBefore: iso(12), shardEnded: true },
    ],
    [
      "the shard ended with nothing ever known (an empty shard): ended, no time",
      { ...base, shardEnded: true },
      s(1),
      { storedBefore: null, shardEnded: true },
    ],
    [
      "the shard's end already published: nothing more",
      { ...base, known: s(12), shardEnded: true, published: { storedBefore: s(12), shardEnded: true, at: s(12) } },
      s(600),
      undefined,
    ],
    ["the lease lost: never", { ...base, known: s(10), leaseLost: true }, s(11), undefined],
    [
      "the lease lost at the shard's end: never",
      { ...base, known: s(10), shardEnded: true, leaseLost: true },
      s(11),
      undefined,
    ],
    [
      "a write that failed (nothing recorded as published): at once again",
      { ...base, known: s(10) },
      s(12),
      { storedBefore: iso(10), shardEnded: false },
    ],
  ];
  for (const [name, state, now, expected] of cases) {
    it(name, () => {
      const out = progressToPublish(state, now, MINUTE);
      if (expected === undefined) {
        expect(out).to.equal(undefined);
      } else {
        expect(out).to.deep.equal({ shardId: base.shardId, ...expected, writtenAt: new Date(now).toISOString() });
      }
    });
  }
});
