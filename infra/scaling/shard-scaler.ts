/**
 * The shard scaler: two CloudWatch alarms on the stream's usage factor (metric math from
 * runtime/scaling/usage-alarms.ts, the policy's own formula), an SNS topic they notify, a
 * table for the scaler's history, and a function (runtime/scaling/shard-scaler-entry.ts)
 * that applies the policy, claims the change in its history (so of two overlapping runs one
 * acts: runtime/scaling/CONCURRENT-RUNS.md), calls UpdateShardCount and rewrites both alarms
 * for the new count. The alarms' math is the scaler's from then on (`pulumi up` leaves it
 * alone), and so is the stream's shard count (StreamStorage ignores it while the scaler is on).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SCALE_DOWN_PERIODS } from "../../runtime/scaling/shard-scaler-entry";
import { SHARD_SCALING_DEFAULTS } from "../../runtime/scaling/shard-policy";
import { SHARD_HISTORY_KEY } from "../../runtime/scaling/shard-history-dynamodb";
import { alarmConditions, MetricQuery, usageMetricQueries } from "../../runtime/scaling/usage-alarms";
import { admitAlarms, encryptedTopic, TopicKey } from "../common/encrypted-topic";
import { scalerFunction } from "./scaler-function";
import { StreamStorage } from "../stream/stream-storage";

/** What the function calls on the stream: its state. */
export const SHARD_SCALER_STREAM_ACTIONS = ["kinesis:DescribeStreamSummary"] as const;
/**
 * The change itself. The Service Authorization Reference gives kinesis:UpdateShardCount no
 * resource type (only Resource "*" grants it), so it cannot be scoped to the stream:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesisdatastreams.html
 */
export const SHARD_SCALER_RESIZE_ACTIONS = ["kinesis:UpdateShardCount"] as const;
/**
 * What the function does with its history (runtime/scaling/shard-history-dynamodb.ts): a
 * consistent GetItem, and the claim, a conditional PutItem. Both act on items of the table:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
export const SHARD_HISTORY_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem"] as const;
export const ALARM_WRITE_ACTIONS = ["cloudwatch:PutMetricAlarm"] as const;

export interface ShardScalerArgs {
  stream: StreamStorage;
  /** The stream's shard count at creation: what the alarms' math starts with. */
  initialShards: number;
  minShards: number;
  maxShards: number;
  /** The usage factor, in percent, a change aims for. */
  targetUsagePercent: number;
  dryRun: boolean;
  /** Reserve one concurrent execution for the function (scalerReservedConcurrency). */
  reservedConcurrency: boolean;
  /** Encrypts the scaler's topic. */
  topicKey: TopicKey;
}

export class ShardScaler extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly scaleUp: aws.cloudwatch.MetricAlarm;
  readonly scaleDown: aws.cloudwatch.MetricAlarm;
  /** The scaler's history: one item for the stream, its calls and the claim on the next. */
  readonly history: aws.dynamodb.Table;
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;

  constructor(name: string, args: ShardScalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:scaling:ShardScaler", name, {}, opts);
    this.topic = encryptedTopic(name, { key: args.topicKey }, this);
    const periodMinutes = SHARD_SCALING_DEFAULTS.periodMinutes;
    const conditions = alarmConditions({
      scaleUpAt: SHARD_SCALING_DEFAULTS.scaleUpAt,
      scaleDownBelow: SHARD_SCALING_DEFAULTS.scaleDownBelow,
      downPeriods: SCALE_DOWN_PERIODS,
    });
    const alarm = (direction: "up" | "down") => {
      const c = conditions[direction];
      return new aws.cloudwatch.MetricAlarm(
        `${name}-${direction}`,
        {
          alarmDescription: `Shard scaler of the stream (${args.initialShards} shards); rewritten by the scaler after each change`,
          alarmActions: [this.topic.arn],
          comparisonOperator: c.ComparisonOperator,
          threshold: c.Threshold,
          evaluationPeriods: c.EvaluationPeriods,
          datapointsToAlarm: c.DatapointsToAlarm,
          treatMissingData: c.TreatMissingData,
          metricQueries: args.stream.name.apply((streamName) =>
            usageMetricQueries({ streamName, shards: args.initialShards, periodMinutes }).map(toPulumiQuery),
          ),
        },
        // The scaler rewrites the math (the shard count is in it): pulumi up must not undo that.
        { parent: this, ignoreChanges: ["metricQueries", "alarmDescription"] },
      );
    };
    this.scaleUp = alarm("up");
    this.scaleDown = alarm("down");
    admitAlarms(name, this.topic, [this.scaleUp, this.scaleDown], this);
    this.history = new aws.dynamodb.Table(
      `${name}-history`,
      {
        hashKey: SHARD_HISTORY_KEY,
        attributes: [{ name: SHARD_HISTORY_KEY, type: "S" }],
        // A few reads and writes every 5 minutes: on-demand costs next to nothing.
        billingMode: "PAY_PER_REQUEST",
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: true },
      },
      { parent: this },
    );

    this.function = scalerFunction(
      name,
      {
        module: "shardScalerLambda",
        environment: {
          STREAM_NAME: args.stream.name,
          MIN_SHARDS: String(args.minShards),
          MAX_SHARDS: String(args.maxShards),
          TARGET_USAGE_PERCENT: String(args.targetUsagePercent),
          DRY_RUN: args.dryRun ? "on" : "off",
          HISTORY_TABLE: this.history.name,
          SCALE_UP_ALARM: this.scaleUp.name,
          SCALE_DOWN_ALARM: this.scaleDown.name,
          ALARM_TOPIC_ARN: this.topic.arn,
        },
        statements: [
          { sid: "Stream", actions: SHARD_SCALER_STREAM_ACTIONS, resources: [args.stream.arn] },
          { sid: "Resize", actions: SHARD_SCALER_RESIZE_ACTIONS, resources: ["*"] },
          { sid: "History", actions: SHARD_HISTORY_ACTIONS, resources: [this.history.arn] },
          { sid: "Alarms", actions: ALARM_WRITE_ACTIONS, resources: [this.scaleUp.arn, this.scaleDown.arn] },
        ],
        topic: this.topic,
        reservedConcurrency: args.reservedConcurrency,
      },
      this,
    );
    this.registerOutputs({ topicArn: this.topic.arn, functionName: this.function.name });
  }
}

function toPulumiQuery(q: MetricQuery): aws.types.input.cloudwatch.MetricAlarmMetricQuery {
  return {
    id: q.Id,
    returnData: q.ReturnData,
    ...(q.Expression ? { expression: q.Expression } : {}),
    ...(q.Label ? { label: q.Label } : {}),
    ...(q.MetricStat
      ? {
          metric: {
            namespace: q.MetricStat.Metric.Namespace,
            metricName: q.MetricStat.Metric.MetricName,
            dimensions: Object.fromEntries(q.MetricStat.Metric.Dimensions.map((d) => [d.Name, d.Value])),
            period: q.MetricStat.Period,
            stat: q.MetricStat.Stat,
          },
        }
      : {}),
  };
}
