/**
 * The shard scaler's run: what its function does when an alarm fires. It reads the stream
 * and its last period's metrics, asks the policy, and when the policy says so calls
 * UpdateShardCount, records the call (the 24-hour budget), and rewrites both alarms for the
 * new shard count. In dry-run it decides and reports, and changes nothing. A failed change
 * is reported as a metric before the error propagates (the alarm's next notification, or
 * Lambda's retry, asks again). AWS calls sit behind a port (shard-scaler-aws.ts).
 */
import { applyOrReport, ScalerOutcome } from "./apply-decision";
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
  /** Sums of the last complete period ending at or before `end`, and the iterator age max. */
  periodMetrics(end: Date, periodMinutes: number): Promise<ShardMetrics>;
  /** Times (epoch ms) of this scaler's UpdateShardCount calls. */
  history(): Promise<number[]>;
  recordUpdate(times: number[]): Promise<void>;
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
  const [stream, metrics, history] = await Promise.all([
    port.describeStream(),
    port.periodMetrics(new Date(options.now), config.periodMinutes),
    port.history(),
  ]);
  const decision = decideShardScaling(metrics, { ...stream, updates: history, now: options.now }, config);
  const outcome = await applyOrReport(decision, options.dryRun, port, (change) => port.updateShardCount(change.to));
  if (outcome.applied) {
    // Only calls inside the budget's window count: older entries are dropped.
    await port.recordUpdate([...recentUpdates(history, options.now, config), options.now]);
    await port.rewriteAlarms(outcome.decision.to);
  }
  return outcome;
}
