/**
 * The shard scaler function's settings, from the environment the stack gives it: which
 * stream, its bounds, the table of its history, the alarms it rewrites and their topic,
 * and the dry-run switch.
 * Read in one pass: a bad setting fails the invocation naming every bad variable.
 */
import { STREAM_LIMITS } from "../stream/limits";
import { EnvValues, integer, matching, oneOf, readEnv } from "../common/env";
import { STREAM_VARIABLES } from "../common/service-variables";
import { outOfBound } from "../common/setting";
import { SHARD_SCALING_DEFAULTS, TARGET_USAGE_RANGE } from "./shard-policy";

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;

export const SHARD_SCALER_VARIABLES = {
  STREAM_NAME: STREAM_VARIABLES.STREAM_NAME,
  AWS_REGION: STREAM_VARIABLES.AWS_REGION,
  MIN_SHARDS: { ...integer(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount), purpose: "fewest shards" },
  MAX_SHARDS: { ...integer(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount), purpose: "most shards" },
  TARGET_USAGE_PERCENT: {
    ...integer(TARGET_USAGE_RANGE.min * 100, TARGET_USAGE_RANGE.max * 100),
    default: String(Math.round(SHARD_SCALING_DEFAULTS.targetUsage * 100)),
    purpose: "the usage factor, in percent, a resize aims for",
  },
  DRY_RUN: { ...oneOf("on", "off"), default: "off", purpose: "on: decide and log, change nothing" },
  HISTORY_TABLE: {
    // DynamoDB's table name rule: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
    ...matching(/^[a-zA-Z0-9_.-]{3,255}$/, "a DynamoDB table name"),
    purpose: "the table of the scaler's history (its calls and the claim on the next one)",
  },
  SCALE_UP_ALARM: { ...matching(/^.{1,255}$/, "an alarm name"), purpose: "the scale-up alarm it rewrites" },
  SCALE_DOWN_ALARM: { ...matching(/^.{1,255}$/, "an alarm name"), purpose: "the scale-down alarm it rewrites" },
  ALARM_TOPIC_ARN: { ...matching(ARN, "an SNS topic ARN"), purpose: "where both alarms notify (this function)" },
};

export type ShardScalerSettings = EnvValues<typeof SHARD_SCALER_VARIABLES>;

export function readShardScalerSettings(env: Readonly<Record<string, string | undefined>>): ShardScalerSettings {
  return readEnv(SHARD_SCALER_VARIABLES, env, (v) =>
    v.MIN_SHARDS > v.MAX_SHARDS ? [outOfBound("MAX_SHARDS", "at least", "MIN_SHARDS", v.MIN_SHARDS, v.MAX_SHARDS)] : [],
  );
}
