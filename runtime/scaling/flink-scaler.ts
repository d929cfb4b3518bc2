/**
 * The Flink scaler's run: what its function does when one of its alarms fires or its
 * schedule comes. It reads the application (status, parallelism, version and conditional
 * token) and its recent per-minute metrics, asks the policy, and when the policy says so
 * updates the parallelism, conditional on the application being as this run described it:
 * Managed Flink refuses the update when anything changed it since, so of two runs that
 * described the same application one updates and the other is superseded (no change, no
 * failure; CONCURRENT-RUNS.md). Dry-run decides and reports only; a failed update is
 * reported, then raised.
 */
import { applyOrReport, ScalerOutcome } from "./apply-decision";
import { decideFlinkScaling, FlinkAppState, FlinkDecision, FlinkPeriod, FlinkScalingConfig } from "./flink-policy";

export interface FlinkApp extends Omit<FlinkAppState, "now"> {
  versionId: number;
  /** DescribeApplication's ConditionalToken, when the service gives one. */
  conditionalToken?: string;
}

/** What an update is conditional on: the application as this run described it. */
export type FlinkRevision = Pick<FlinkApp, "versionId" | "conditionalToken">;

export interface FlinkScalerPort {
  describeApplication(): Promise<FlinkApp>;
  /** Per-minute periods, oldest first, ending at or before `end`. */
  periods(end: Date, minutes: number): Promise<FlinkPeriod[]>;
  /** False, changing nothing, when the application changed after `seen` was described. */
  updateParallelism(parallelism: number, seen: FlinkRevision): Promise<boolean>;
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
  return applyOrReport(decision, options.dryRun, port, async (change) =>
    (await port.updateParallelism(change.to, app))
      ? undefined
      : { superseded: `the application changed after this run described it (version ${app.versionId})` },
  );
}
