/**
 * The Flink scaler's run: what its function does when one of its alarms fires. It reads the
 * application (status, parallelism, version) and its recent per-minute metrics, asks the
 * policy, and when the policy says so updates the parallelism (UpdateApplication with the
 * current version id, so a concurrent change makes the call fail instead of being undone).
 * Dry-run decides and reports only; a failed update is reported, then raised.
 */
import { applyOrReport, ScalerOutcome } from "./apply-decision";
import { decideFlinkScaling, FlinkAppState, FlinkDecision, FlinkPeriod, FlinkScalingConfig } from "./flink-policy";

export interface FlinkApp extends Omit<FlinkAppState, "now"> {
  versionId: number;
}

export interface FlinkScalerPort {
  describeApplication(): Promise<FlinkApp>;
  /** Per-minute periods, oldest first, ending at or before `end`. */
  periods(end: Date, minutes: number): Promise<FlinkPeriod[]>;
  updateParallelism(parallelism: number, versionId: number): Promise<void>;
  reportFailure(reason: string): Promise<void>;
}

export type FlinkScalerOutcome = ScalerOutcome<FlinkDecision>;

export async function runFlinkScaler(
  port: FlinkScalerPort,
  config: FlinkScalingConfig,
  options: { now: number; dryRun: boolean },
): Promise<FlinkScalerOutcome> {
  const minutes = Math.max(config.outPeriods, config.inPeriods);
  const [app, periods] = await Promise.all([port.describeApplication(), port.periods(new Date(options.now), minutes)]);
  const decision = decideFlinkScaling(periods, { ...app, now: options.now }, config);
  return applyOrReport(decision, options.dryRun, port, (change) => port.updateParallelism(change.to, app.versionId));
}
