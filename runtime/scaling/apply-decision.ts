/**
 * What both scalers do with their policy's decision: a hold, or any decision in dry-run, is
 * only reported; a change is made, and a failed change is reported (by the port: a metric
 * on AWS, a log line locally) before the error propagates, so the alarm's next notification or Lambda's retry
 * asks again. A change that another run made first (the claim of CONCURRENT-RUNS.md was
 * lost) is neither made nor a failure: the outcome says so and nothing is reported. What a
 * scaler does after a change (the shard scaler's alarms) stays with that scaler.
 */

/** The part of a policy's change that applying it needs: both policies' changes have it. */
export interface ScalingChange {
  action: string;
  from: number;
  to: number;
}

/** A policy's decision: a change, or a hold (`action: "none"`, which has no `to`). */
export type ScalingDecision = ScalingChange | { action: "none" };

/** Why a run did not make its change: another run changed the resource after this run read it. */
export interface Superseded {
  superseded: string;
}

/**
 * Applied only when the decision was a change, not a dry-run, and not superseded: then
 * `decision.to` is there.
 */
export type ScalerOutcome<D extends ScalingDecision> =
  | { decision: D; applied: false; dryRun: boolean; superseded?: undefined }
  | { decision: Extract<D, ScalingChange>; applied: false; dryRun: false; superseded: string }
  | { decision: Extract<D, ScalingChange>; applied: true; dryRun: false; superseded?: undefined };

/** A change has a `to`; a hold has none (a type parameter is not narrowed by `action` alone). */
function isChange<D extends ScalingDecision>(decision: D): decision is Extract<D, ScalingChange> {
  return decision.action !== "none" && "to" in decision;
}

/**
 * `apply` makes the change, or returns `Superseded` when a claim on the resource's state
 * showed another run got there first (then it changed nothing).
 */
export async function applyOrReport<D extends ScalingDecision>(
  decision: D,
  dryRun: boolean,
  port: { reportFailure(reason: string): Promise<void> },
  apply: (change: Extract<D, ScalingChange>) => Promise<Superseded | void>,
): Promise<ScalerOutcome<D>> {
  if (!isChange(decision) || dryRun) return { decision, applied: false, dryRun };
  const change = decision;
  let result: Superseded | void;
  try {
    result = await apply(change);
  } catch (error) {
    await port.reportFailure(
      `${change.action} ${change.from} -> ${change.to}: ${(error as Error).name ?? "Error"}: ${(error as Error).message}`,
    );
    throw error;
  }
  if (result) return { decision: change, applied: false, dryRun: false, superseded: result.superseded };
  return { decision: change, applied: true, dryRun: false };
}
