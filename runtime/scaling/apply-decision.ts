/**
 * What both scalers do with their policy's decision: a hold, or any decision in dry-run, is
 * only reported; a change is made, and a failed change is reported (by the port: a metric
 * on AWS, a log line locally) before the error propagates, so the alarm's next notification or Lambda's retry
 * asks again. What a scaler does after a change (the shard scaler's history and alarms)
 * stays with that scaler.
 */

/** The part of a policy's change that applying it needs: both policies' changes have it. */
export interface ScalingChange {
  action: string;
  from: number;
  to: number;
}

/** A policy's decision: a change, or a hold (`action: "none"`, which has no `to`). */
export type ScalingDecision = ScalingChange | { action: "none" };

/** Applied only when the decision was a change and not a dry-run: then `decision.to` is there. */
export type ScalerOutcome<D extends ScalingDecision> =
  | { decision: D; applied: false; dryRun: boolean }
  | { decision: Extract<D, ScalingChange>; applied: true; dryRun: false };

/** A change has a `to`; a hold has none (a type parameter is not narrowed by `action` alone). */
function isChange<D extends ScalingDecision>(decision: D): decision is Extract<D, ScalingChange> {
  return decision.action !== "none" && "to" in decision;
}

export async function applyOrReport<D extends ScalingDecision>(
  decision: D,
  dryRun: boolean,
  port: { reportFailure(reason: string): Promise<void> },
  apply: (change: Extract<D, ScalingChange>) => Promise<void>,
): Promise<ScalerOutcome<D>> {
  if (!isChange(decision) || dryRun) return { decision, applied: false, dryRun };
  const change = decision;
  try {
    await apply(change);
  } catch (error) {
    await port.reportFailure(
      `${change.action} ${change.from} -> ${change.to}: ${(error as Error).name ?? "Error"}: ${(error as Error).message}`,
    );
    throw error;
  }
  return { decision: change, applied: true, dryRun: false };
}
