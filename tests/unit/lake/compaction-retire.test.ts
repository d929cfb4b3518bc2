/**
 * When merged hours' segment objects may be tagged for expiry (retire.ts), and the state's
 * horizon fields as the compactor reads them back: by tables.
 */
import { expect } from "chai";
import {
  CompactionState,
  compactionStateBody,
  parseCompactionState,
} from "../../../runtime/lake/compaction/compaction-state";
import { nextHorizon, RETIRE_GRACE_MS, taggableUntil } from "../../../runtime/lake/compaction/retire";

const T = Date.parse("2026-12-07T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const state = (over: Partial<CompactionState>): CompactionState => ({
  compacted_before: "2026-12-07 11",
  tagged_before: "2026-12-07 09",
  ...over,
});

describe("lake compactor: the retire horizon", () => {
  const taggable: [string, CompactionState, number, string][] = [
    ["no horizon yet (a state from before it): nothing", state({}), T, "2026-12-07 09"],
    ["before retire_at: nothing", state({ retire_before: "2026-12-07 11", retire_at: iso(T + 1) }), T, "2026-12-07 09"],
    [
      "from retire_at: up to the horizon",
      state({ retire_before: "2026-12-07 10", retire_at: iso(T) }),
      T,
      "2026-12-07 10",
    ],
    [
      "never past the horizon, however late",
      state({ retire_before: "2026-12-07 10", retire_at: iso(T) }),
      T + 30 * RETIRE_GRACE_MS,
      "2026-12-07 10",
    ],
  ];
  for (const [name, s, now, until] of taggable) {
    it(`taggableUntil: ${name}`, () => expect(taggableUntil(s, now)).to.equal(until));
  }

  const horizons: [string, CompactionState, CompactionState][] = [
    [
      "none yet: set at compacted_before, the grace from now",
      state({}),
      state({ retire_before: "2026-12-07 11", retire_at: iso(T + RETIRE_GRACE_MS) }),
    ],
    [
      "not reached yet: kept",
      state({ retire_before: "2026-12-07 10", retire_at: iso(T - 1) }),
      state({ retire_before: "2026-12-07 10", retire_at: iso(T - 1) }),
    ],
    [
      "reached, nothing moved since: kept",
      state({ tagged_before: "2026-12-07 11", retire_before: "2026-12-07 11", retire_at: iso(T - 1) }),
      state({ tagged_before: "2026-12-07 11", retire_before: "2026-12-07 11", retire_at: iso(T - 1) }),
    ],
    [
      "reached, hours moved since: the next one",
      state({ tagged_before: "2026-12-07 10", retire_before: "2026-12-07 10", retire_at: iso(T - 1) }),
      state({ tagged_before: "2026-12-07 10", retire_before: "2026-12-07 11", retire_at: iso(T + RETIRE_GRACE_MS) }),
    ],
  ];
  for (const [name, s, want] of horizons) {
    it(`nextHorizon: ${name}`, () => expect(nextHorizon(s, T)).to.deep.equal(want));
  }

  it("a state with a horizon reads back as written; without one, as before", () => {
    const withHorizon = state({ retire_before: "2026-12-07 10", retire_at: iso(T) });
    expect(parseCompactionState(compactionStateBody(withHorizon))).to.deep.equal(withHorizon);
    expect(parseCompactionState('{"compacted_before":"2026-12-07 11","tagged_before":"2026-12-07 09"}')).to.deep.equal(
      state({}),
    );
  });

  const refused: [string, string][] = [
    [
      "a horizon past compacted_before",
      `{"compacted_before":"2026-12-07 11","tagged_before":"2026-12-07 09","retire_before":"2026-12-07 12","retire_at":"${iso(T)}"}`,
    ],
    [
      "a horizon before tagged_before",
      `{"compacted_before":"2026-12-07 11","tagged_before":"2026-12-07 09","retire_before":"2026-12-07 08","retire_at":"${iso(T)}"}`,
    ],
    [
      "a horizon without its time",
      '{"compacted_before":"2026-12-07 11","tagged_before":"2026-12-07 09","retire_before":"2026-12-07 10"}',
    ],
    [
      "a time that is not ISO",
      '{"compacted_before":"2026-12-07 11","tagged_before":"2026-12-07 09","retire_before":"2026-12-07 10","retire_at":"tomorrow"}',
    ],
  ];
  for (const [name, text] of refused) {
    it(`refuses ${name}, naming what is allowed`, () =>
      expect(() => parseCompactionState(text)).to.throw(/tagged_before <= retire_before <= compacted_before/));
  }
});
