/**
 * The compaction state (COMPACTION_STATE_KEY): one JSON line, the only row of the Glue table
 * the lake's views join (lake-views.ts). Hours before `compacted_before` are read from the
 * compacted objects, the others from the segments' objects; the compactor moves it forward
 * only once every part of the hour is stored, with one PUT, which S3 applies whole
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel), so
 * a query reads one value of it and each hour from one side. `tagged_before`: the hours
 * whose segment objects were tagged for expiry (after the move, never before);
 * `retire_before` and `retire_at`: the hours that may be tagged, and from when (retire.ts).
 */

/** The Glue column (and the JSON key) the views compare hours against. */
export const COMPACTED_BEFORE_COLUMN = "compacted_before";

export interface CompactionState {
  /** `YYYY-MM-DD HH`: hours before it are read from the compacted objects. */
  compacted_before: string;
  /** `YYYY-MM-DD HH`: hours before it have had their segment objects tagged for expiry. */
  tagged_before: string;
  /**
   * `YYYY-MM-DD HH`: hours before it were read from their parts by `retire_at` minus the grace
   * (retire.ts), so their segment objects may be tagged from `retire_at` on. Absent (a state
   * written before it existed): as `tagged_before`, nothing may be tagged until it is set.
   */
  retire_before?: string;
  /** ISO time from which hours before `retire_before` may be tagged. */
  retire_at?: string;
}

const HOUR_KEY = /^\d{4}-\d{2}-\d{2} \d{2}$/;

export class CompactionStateError extends Error {}

export function compactionStateBody(state: CompactionState): string {
  const retire =
    state.retire_before === undefined ? {} : { retire_before: state.retire_before, retire_at: state.retire_at };
  return `${JSON.stringify({ compacted_before: state.compacted_before, tagged_before: state.tagged_before, ...retire })}\n`;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export function parseCompactionState(text: string): CompactionState {
  let v: Partial<CompactionState> | null;
  try {
    v = JSON.parse(text) as Partial<CompactionState> | null;
  } catch {
    throw new CompactionStateError(`the compaction state is one JSON line, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  const retireOk =
    v !== null &&
    typeof v === "object" &&
    ((v.retire_before === undefined && v.retire_at === undefined) ||
      (typeof v.retire_before === "string" &&
        HOUR_KEY.test(v.retire_before) &&
        typeof v.retire_at === "string" &&
        ISO_TIME.test(v.retire_at)));
  if (
    typeof v !== "object" ||
    v === null ||
    typeof v.compacted_before !== "string" ||
    !HOUR_KEY.test(v.compacted_before) ||
    typeof v.tagged_before !== "string" ||
    !HOUR_KEY.test(v.tagged_before) ||
    v.tagged_before > v.compacted_before ||
    !retireOk ||
    (v.retire_before !== undefined && (v.retire_before < v.tagged_before || v.retire_before > v.compacted_before))
  ) {
    throw new CompactionStateError(
      `the compaction state is {compacted_before, tagged_before[, retire_before, retire_at]}, hours as "YYYY-MM-DD HH" with tagged_before <= retire_before <= compacted_before and retire_at an ISO time; got ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  const state: CompactionState = { compacted_before: v.compacted_before, tagged_before: v.tagged_before };
  if (v.retire_before !== undefined) {
    state.retire_before = v.retire_before;
    state.retire_at = v.retire_at;
  }
  return state;
}
