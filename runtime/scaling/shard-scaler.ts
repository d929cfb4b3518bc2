/**
 * The shard scaler's run: what its function does when an alarm fires or its schedule
 * comes. It reads the stream, its last period's metrics and the scaler's history, asks the
 * policy, and when the policy says so claims the call in the history (the 24-hour budget,
 * and the guard that lets one of two concurrent runs act: CONCURRENT-RUNS.md), calls
 * UpdateShardCount, and rewrites both alarms for the new shard count. A run whose claim
 * fails changes nothing: another run made the change. In dry-run it decides and reports,
 * and changes nothing. A failed change is reported as a metric before the error propagates
 * (the alarm's next notification, or Lambda's retry, asks again). AWS calls sit behind a
 * port (shard-scaler-aws.ts).
 */
import { applyOrReport, ScalerOutcome } from "./apply-decision";
import { ShardHistory } from "./shard-history";
import {
  decideShardScaling,
  recentUpdates,
  ShardDecision,
  ShardMetrics,
  ShardScalingConfig,
  StreamState,
} from "./shard-policy";

export interface ShardScalerPort {
  describeStream(): Promise<Pick<StreamState, "mode" | "status" | "openShards">>;
  /** Shards the account may still open in the region (its shard quota minus its open shards). */
  accountShardsFree(): Promise<number | undefined>;
  /** Sums of the last complete period ending at or before `end`, and the iterator age max. */
  periodMetrics(end: Date, periodMinutes: number): Promise<ShardMetrics>;
  /** This scaler's UpdateShardCount calls and the version a claim must match. */
  history(): Promise<ShardHistory>;
  /** Records `updates` as the history unless another run claimed since `seen`: true when this run may call. */
  claimUpdate(seen: ShardHistory, updates: number[]): Promise<boolean>;
  updateShardCount(target: number): Promise<void>;
  rewriteAlarms(shards: number): Promise<void>;
  reportFailure(reason: string): Promise<void>;
}

export type ShardScalerOutcome = ScalerOutcome<ShardDecision>;

export async function runShardScaler(
  port: ShardScalerPort,
  config: ShardScalingConfig,
  options: { now: number; dryRun: boolean },
): Promise<ShardScalerOutcome> {
  const [stream, metrics, history, accountShardsFree] = await Promise.all([
    port.describeStream(),
    port.periodMetrics(new Date(options.now), config.periodMinutes),
    port.history(),
    port.accountShardsFree(),
  ]);
  const decision = decideShardScaling(
    metrics,
    { ...stream, updates: history.updates, now: options.now, accountShardsFree },
    config,
  );
  const outcome = await applyOrReport(decision, options.dryRun, port, async (change) => {
    // The claim comes first and stays, even if the call then fails: a call whose outcome is
    // unknown (a timeout) may have been made, so it counts against the budget and starts
    // the cooldown. Only calls inside the budget's window are kept.
    const updates = [...recentUpdates(history.updates, options.now, config), options.now];
    if (!(await port.claimUpdate(history, updates))) {
      return {
        superseded: `another run claimed a change after this one read the history (version ${history.version})`,
      };
    }
    await port.updateShardCount(change.to);
    return undefined;
  });
  if (outcome.applied) await port.rewriteAlarms(outcome.decision.to);
  return outcome;
}
