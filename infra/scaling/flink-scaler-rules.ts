/**
 * The rules between the Flink scaler's settings and the application it sizes, in the
 * words of the stack config; validateConfig lists them with every other problem.
 */
import { outOfBound } from "../../runtime/common/setting";

export interface FlinkScalerSettings {
  analytics?: boolean;
  /** `flinkScaler`. */
  scaler?: boolean;
  /** `flinkAutoScaling`: Managed Flink's own autoscaling. */
  autoScaling?: boolean;
  parallelism?: number;
  minParallelism?: number;
  maxParallelism?: number;
}

export function flinkScalerProblems(s: FlinkScalerSettings): string[] {
  if (s.analytics !== true || s.scaler !== true) return [];
  const problems: string[] = [];
  if (s.autoScaling === true) {
    problems.push(
      "flinkAutoScaling must be false while flinkScaler is true (two autoscalers would fight over the parallelism), got true: " +
        "pulumi config set flinkAutoScaling false, or flinkScaler false",
    );
  }
  const p = s.parallelism;
  if (p !== undefined && s.minParallelism !== undefined && s.minParallelism > p) {
    problems.push(outOfBound("flinkMinParallelism", "at most", "flinkParallelism", p, s.minParallelism));
  }
  if (p !== undefined && s.maxParallelism !== undefined && s.maxParallelism < p) {
    problems.push(outOfBound("flinkMaxParallelism", "at least", "flinkParallelism", p, s.maxParallelism));
  }
  return problems;
}
