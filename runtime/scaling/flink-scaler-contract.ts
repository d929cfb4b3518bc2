/**
 * The Flink scaler function's contract: a Lambda woken by its two alarms on the hot-spot
 * application (behind; idle) and a schedule. It applies the Flink policy to the job's
 * millisBehindLatest and CPU and updates the parallelism, conditional on the application as
 * the run described it (one of two overlapping runs acts: CONCURRENT-RUNS.md).
 */
import { defineContract, emits, setByPlatform } from "../common/contract";
import { integer, matching, switchValue } from "../common/env";
import { STREAM_VARIABLES } from "../common/service-variables";
import { FLINK_METRICS } from "../observability/metrics/flink";
import { FLINK_SCALER_METRICS } from "../observability/metrics/pipeline";
import { FLINK_SCALING_DEFAULTS, FLINK_SCALING_RANGES } from "./flink-policy";

const { behindMs: BEHIND, outPeriods: PERIODS } = FLINK_SCALING_RANGES;

export const FLINK_SCALER_VARIABLES = {
  APPLICATION_NAME: {
    ...matching(/^[a-zA-Z0-9_.-]{1,128}$/, "a Managed Flink application name"),
    purpose: "the application it scales",
  },
  AWS_REGION: setByPlatform(STREAM_VARIABLES.AWS_REGION, "Lambda"),
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
  DRY_RUN: { ...switchValue, default: "false", purpose: "true: decide and log, change nothing" },
};

export const FLINK_SCALER = defineContract({
  part: "flinkScalerLambda",
  purpose: "the Flink scaler: the hot-spot job's parallelism from how far behind and how busy it is",
  entry: { kind: "lambda", module: "dist/runtime/scaling/flink-scaler-entry.js" },
  variables: FLINK_SCALER_VARIABLES,
  resources: { application: { named: ["APPLICATION_NAME"] } },
  calls: [
    { action: "kinesisanalytics:DescribeApplication", on: "application" },
    { action: "kinesisanalytics:UpdateApplication", on: "application" },
    { action: "cloudwatch:GetMetricData", on: "*" },
  ],
  // A failed change (an EMF count, with the reason as a property).
  metrics: [emits(FLINK_SCALER_METRICS, { Application: "APPLICATION_NAME" })],
});
