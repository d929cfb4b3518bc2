/**
 * The Flink scaler's run: what its function does when one of its alarms fires. It reads the
 * application (status, parallelism, version) and its recent per-minute metrics, asks the
 * policy, and when the policy says so updates the parallelism (UpdateApplication with the
 * current version id, so a concurrent change makes the call fail instead of being undone).
 * Dry-run decides and reports only; a failed update is reported, then raised.
 */
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

export interface FlinkScalerOutcome {
  decision: FlinkDecision;
  applied: boolean;
  dryRun: boolean;
}

export async function runFlinkScaler(
  port: FlinkScalerPort,
  config: FlinkScalingConfig,
  options: { now: number; dryRun: boolean },
): Promise<FlinkScalerOutcome> {
  const minutes = Math.max(config.outPeriods, config.inPeriods);
  const [app, periods] = await Promise.all([port.describeApplication(), port.periods(new Date(options.now), minutes)]);
  const decision = decideFlinkScaling(periods, { ...app, now: options.now }, config);
  if (decision.action === "none" || options.dryRun) return { decision, applied: false, dryRun: options.dryRun };
  try {
    await port.updateParallelism(decision.to, app.versionId);
  } catch (error) {
    await port.reportFailure(
      `${decision.action} ${decision.from} -> ${decision.to}: ${(error as Error).name ?? "Error"}: ${(error as Error).message}`,
    );
    throw error;
  }
  return { decision, applied: true, dryRun: false };
}
