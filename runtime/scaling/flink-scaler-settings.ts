/**
 * The Flink scaler function's settings, from the environment the stack gives it
 * (flink-scaler-contract.ts).
 */
import { EnvValues, readEnv } from "../common/env";
import { outOfBound } from "../common/setting";
import { FLINK_SCALER_VARIABLES } from "./flink-scaler-contract";

export type FlinkScalerSettings = EnvValues<typeof FLINK_SCALER_VARIABLES>;

export function readFlinkScalerSettings(env: Readonly<Record<string, string | undefined>>): FlinkScalerSettings {
  return readEnv(FLINK_SCALER_VARIABLES, env, (v) =>
    v.MIN_PARALLELISM > v.MAX_PARALLELISM
      ? [outOfBound("MAX_PARALLELISM", "at least", "MIN_PARALLELISM", v.MIN_PARALLELISM, v.MAX_PARALLELISM)]
      : [],
  );
}
