/**
 * The shard scaler function's contract: a Lambda woken by its two usage alarms (through an
 * SNS topic) and a schedule. It applies the shard policy to the stream's metrics, claims the
 * change in its history table (one of two overlapping runs acts: CONCURRENT-RUNS.md), calls
 * UpdateShardCount and rewrites both alarms for the new count.
 */
import { defineContract, emits, setByPlatform } from "../common/contract";
import { integer, matching, switchValue } from "../common/env";
import { STREAM_VARIABLES } from "../common/service-variables";
import { SHARD_SCALER_METRICS } from "../observability/metrics/pipeline";
import { STREAM_LIMITS } from "../stream/limits";
import { SHARD_SCALING_DEFAULTS, TARGET_USAGE_RANGE } from "./shard-policy";

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;

/** The history table's partition key: one item per stream. */
export const SHARD_HISTORY_KEY = "streamName";
/** The scale-down alarm's evaluation, as the stack creates it and the scaler rewrites it. */
export const SCALE_DOWN_PERIODS = 3;

export const SHARD_SCALER_VARIABLES = {
  STREAM_NAME: STREAM_VARIABLES.STREAM_NAME,
  AWS_REGION: setByPlatform(STREAM_VARIABLES.AWS_REGION, "Lambda"),
  MIN_SHARDS: { ...integer(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount), purpose: "fewest shards" },
  MAX_SHARDS: { ...integer(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount), purpose: "most shards" },
  TARGET_USAGE_PERCENT: {
    ...integer(TARGET_USAGE_RANGE.min * 100, TARGET_USAGE_RANGE.max * 100),
    default: String(Math.round(SHARD_SCALING_DEFAULTS.targetUsage * 100)),
    purpose: "the usage factor, in percent, a resize aims for (shardScalerTargetUsage)",
  },
  DRY_RUN: { ...switchValue, default: "false", purpose: "true: decide and log, change nothing" },
  HISTORY_TABLE: {
    // DynamoDB's table name rule: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
    ...matching(/^[a-zA-Z0-9_.-]{3,255}$/, "a DynamoDB table name"),
    purpose: "the table of the scaler's history (its calls and the claim on the next one)",
  },
  SCALE_UP_ALARM: { ...matching(/^.{1,255}$/, "an alarm name"), purpose: "the scale-up alarm it rewrites" },
  SCALE_DOWN_ALARM: { ...matching(/^.{1,255}$/, "an alarm name"), purpose: "the scale-down alarm it rewrites" },
  ALARM_TOPIC_ARN: { ...matching(ARN, "an SNS topic ARN"), purpose: "where both alarms notify (this function)" },
};

export const SHARD_SCALER = defineContract({
  part: "shardScalerLambda",
  purpose: "the shard scaler: the stream's shard count from its usage factor, within MIN_SHARDS..MAX_SHARDS",
  entry: { kind: "lambda", module: "dist/runtime/scaling/shard-scaler-entry.js" },
  variables: SHARD_SCALER_VARIABLES,
  resources: {
    stream: { named: ["STREAM_NAME"] },
    historyTable: { named: ["HISTORY_TABLE"], key: SHARD_HISTORY_KEY },
    alarms: { named: ["SCALE_UP_ALARM", "SCALE_DOWN_ALARM"] },
  },
  calls: [
    // The stream's state, then the change itself.
    { action: "kinesis:DescribeStreamSummary", on: "stream" },
    { action: "kinesis:UpdateShardCount", on: "stream" },
    // A consistent read of the history, and the claim: a conditional put.
    { action: "dynamodb:GetItem", on: "historyTable" },
    { action: "dynamodb:PutItem", on: "historyTable" },
    { action: "cloudwatch:PutMetricAlarm", on: "alarms" },
    // The period's stream metrics, and the workers' lag (a Metrics Insights query): one call.
    { action: "cloudwatch:GetMetricData", on: "*" },
    // The account's shard quota and open shards, which bound a scale-up (no resource type: "*").
    { action: "kinesis:DescribeLimits", on: "*" },
  ],
  // The open shards at each run, and a failed change (with the reason as a property).
  metrics: [emits(SHARD_SCALER_METRICS, { StreamName: "STREAM_NAME" })],
});
