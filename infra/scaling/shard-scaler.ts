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
import { actionsOn } from "../../runtime/common/contract";
import { SCALE_DOWN_PERIODS, SHARD_HISTORY_KEY, SHARD_SCALER } from "../../runtime/scaling/shard-scaler-contract";
import { SHARD_SCALING_DEFAULTS } from "../../runtime/scaling/shard-policy";
import { alarmConditions, MetricQuery, usageMetricQueries } from "../../runtime/scaling/usage-alarms";
import { admitAlarms, encryptedTopic, TopicKey } from "../common/encrypted-topic";
import { partEnvironment } from "../common/part-environment";
import { scalerFunction } from "./scaler-function";
import { ShardScalerConfig } from "../stream/stream-config";
import { StreamStorage } from "../stream/stream-storage";

/**
 * Stream actions the function calls that only Resource "*" grants: the Service
 * Authorization Reference gives kinesis:UpdateShardCount no resource type, so the change
 * cannot be scoped to the stream (the rest of its calls are, to the resource each names:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 * for the history's items).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesisdatastreams.html
 */
export const UNSCOPED_STREAM_ACTIONS: readonly string[] = ["kinesis:UpdateShardCount"];

/** The scaler's settings from the stack config, and what it scales. */
export interface ShardScalerArgs extends ShardScalerConfig {
  stream: StreamStorage;
  /** The stream's shard count at creation: what the alarms' math starts with. */
  initialShards: number;
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

    const environment = partEnvironment(SHARD_SCALER, {
      STREAM_NAME: args.stream.name,
      MIN_SHARDS: args.minShards,
      MAX_SHARDS: args.maxShards,
      DRY_RUN: args.dryRun,
      HISTORY_TABLE: this.history.name,
      SCALE_UP_ALARM: this.scaleUp.name,
      SCALE_DOWN_ALARM: this.scaleDown.name,
      ALARM_TOPIC_ARN: this.topic.arn,
    });
    // Exactly what the function calls (its contract's calls), each on the resource it names.
    const on = (resource: "stream" | "historyTable" | "alarms") =>
      actionsOn(SHARD_SCALER, resource, environment.variables);
    this.function = scalerFunction(
      name,
      {
        environment,
        statements: [
          {
            sid: "Stream",
            actions: on("stream").filter((a) => !UNSCOPED_STREAM_ACTIONS.includes(a)),
            resources: [args.stream.arn],
          },
          { sid: "Resize", actions: on("stream").filter((a) => UNSCOPED_STREAM_ACTIONS.includes(a)), resources: ["*"] },
          { sid: "History", actions: on("historyTable"), resources: [this.history.arn] },
          { sid: "Alarms", actions: on("alarms"), resources: [this.scaleUp.arn, this.scaleDown.arn] },
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
