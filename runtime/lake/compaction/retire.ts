/**
 * When an hour's segment objects may be tagged for expiry. A query reads the compaction state
 * once, at its start, so a query that started just before the state moved past an hour still
 * reads the hour's segment objects, for as long as it runs. The lifecycle rule deletes a
 * tagged object at its first pass after the object is a day old (counted from its creation,
 * not its tagging: https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html),
 * so an object tagged after a backlog of more than a day may go within minutes of its tag.
 * An hour is therefore tagged only RETIRE_GRACE_MS after it was moved, whatever its age.
 *
 * The state keeps one horizon rather than a time per hour: `retire_before` is the value
 * `compacted_before` had when it was set, `retire_at` that time plus the grace. Hours below
 * the horizon are tagged from `retire_at` on; once they all are, the horizon is set again to
 * the current `compacted_before`. Every hour below a horizon was moved before the horizon was
 * set, so it is tagged at least the grace after its move. Pure: the compactor applies it.
 */
import { CompactionState } from "./compaction-state";

/**
 * Athena ends a DML query after at most 240 minutes (the quota's highest value:
 * https://docs.aws.amazon.com/athena/latest/ug/service-limits.html); an hour more for the
 * lifecycle's and the clocks' slack.
 */
export const RETIRE_GRACE_MS = 5 * 3_600_000;

/** The hours a run may tag now: [tagged_before, until); until === tagged_before when none. */
export function taggableUntil(state: CompactionState, now: number): string {
  const horizon = state.retire_before ?? state.tagged_before;
  if (state.retire_at === undefined || now < Date.parse(state.retire_at)) return state.tagged_before;
  return horizon;
}

/**
 * The state after a run's tagging: once every hour below the horizon is tagged and hours were
 * moved past it since, a new horizon at the current compacted_before, usable from now plus
 * the grace. Otherwise the state as it is.
 */
export function nextHorizon(state: CompactionState, now: number): CompactionState {
  const horizon = state.retire_before ?? state.tagged_before;
  const reached = state.tagged_before === horizon;
  if (state.retire_before !== undefined && (!reached || state.compacted_before === horizon)) return state;
  return {
    ...state,
    retire_before: state.compacted_before,
    retire_at: new Date(now + RETIRE_GRACE_MS).toISOString(),
  };
}
