/**
 * What both scalers do with their policy's decision: a hold, or any decision in dry-run, is
 * only reported; a change is made, and a failed change is reported (as a metric, by the
 * port) before the error propagates, so the alarm's next notification or Lambda's retry
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

export async function applyOrReport<D extends ScalingDecision>(
  decision: D,
  dryRun: boolean,
  port: { reportFailure(reason: string): Promise<void> },
  apply: (change: Extract<D, ScalingChange>) => Promise<void>,
): Promise<ScalerOutcome<D>> {
  if (decision.action === "none" || dryRun) return { decision, applied: false, dryRun };
  // A type parameter is not narrowed by the test above: every decision that is not "none" is a change.
  const change = decision as Extract<D, ScalingChange>;
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
