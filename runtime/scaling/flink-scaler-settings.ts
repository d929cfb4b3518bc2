/**
 * The Flink scaler function's settings, from the environment the stack gives it.
 */
import { EnvValues, integer, matching, oneOf, readEnv } from "../common/env";
import { STREAM_VARIABLES } from "../common/service-variables";
import { FLINK_METRICS } from "../observability/metrics/flink";
import { outOfBound } from "../common/setting";
import { FLINK_SCALING_DEFAULTS, FLINK_SCALING_RANGES } from "./flink-policy";

const { behindMs: BEHIND, outPeriods: PERIODS } = FLINK_SCALING_RANGES;

export const FLINK_SCALER_VARIABLES = {
  APPLICATION_NAME: {
    ...matching(/^[a-zA-Z0-9_.-]{1,128}$/, "a Managed Flink application name"),
    purpose: "the application it scales",
  },
  AWS_REGION: STREAM_VARIABLES.AWS_REGION,
  MIN_PARALLELISM: { ...integer(1, 4096), purpose: "lowest parallelism" },
  MAX_PARALLELISM: { ...integer(1, 4096), purpose: "highest parallelism" },
  BEHIND_MS: {
    ...integer(BEHIND.min, BEHIND.max),
    default: String(FLINK_SCALING_DEFAULTS.behindMs),
    purpose: `scale out above this ${FLINK_METRICS.millisBehindLatest.name} ...`,
  },
  OUT_PERIODS: {
    ...integer(PERIODS.min, PERIODS.max),
    default: String(FLINK_SCALING_DEFAULTS.outPeriods),
    purpose: "... for this many 1-minute periods",
  },
  DRY_RUN: { ...oneOf("on", "off"), default: "off", purpose: "on: decide and log, change nothing" },
};

export type FlinkScalerSettings = EnvValues<typeof FLINK_SCALER_VARIABLES>;

export function readFlinkScalerSettings(env: Readonly<Record<string, string | undefined>>): FlinkScalerSettings {
  return readEnv(FLINK_SCALER_VARIABLES, env, (v) =>
    v.MIN_PARALLELISM > v.MAX_PARALLELISM
      ? [outOfBound("MAX_PARALLELISM", "at least", "MIN_PARALLELISM", v.MIN_PARALLELISM, v.MAX_PARALLELISM)]
      : [],
  );
}
