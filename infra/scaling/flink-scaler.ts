/**
 * The Flink scaler: two alarms on the hot-spot application (it falls behind: the maximum
 * millisBehindLatest above 60 s for the policy's out-periods; it idles: caught up with low
 * CPU for its in-periods), an SNS topic they notify, and a function
 * (runtime/scaling/flink-scaler-entry.ts) that applies the policy and updates the
 * parallelism, conditional on the application as the run described it (so of two
 * overlapping runs one acts: runtime/scaling/CONCURRENT-RUNS.md). The application's
 * built-in autoscaling is off while this scaler is on, and `pulumi up` ignores the
 * parallelism (HotspotJob).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { actionsOn } from "../../runtime/common/contract";
import { FLINK_SCALING_DEFAULTS } from "../../runtime/scaling/flink-policy";
import { FLINK_METRICS, FlinkMetric } from "../../runtime/observability/metrics/flink";
import { alarmMetric, alarmQueryMetric } from "../../runtime/observability/metrics/reads";
import { FLINK_SCALER } from "../../runtime/scaling/flink-scaler-contract";
import { admitAlarms, encryptedTopic, TopicKey } from "../common/encrypted-topic";
import { partEnvironment } from "../common/part-environment";
import { FlinkScalerConfig } from "../hotspots/hotspot-config";
import { scalerFunction } from "./scaler-function";

/** The scaler's settings from the stack config, and what it scales. */
export interface FlinkScalerArgs extends FlinkScalerConfig {
  application: aws.kinesisanalyticsv2.Application;
  /** Encrypts the scaler's topic. */
  topicKey: TopicKey;
}

export class FlinkScaler extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly behind: aws.cloudwatch.MetricAlarm;
  readonly idle: aws.cloudwatch.MetricAlarm;
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;

  constructor(name: string, args: FlinkScalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:scaling:FlinkScaler", name, {}, opts);
    const parent = { parent: this };
    const d = FLINK_SCALING_DEFAULTS;
    this.topic = encryptedTopic(name, { key: args.topicKey }, this);
    const application = { Application: args.application.name };
    const query = (id: string, metric: FlinkMetric) => ({
      id,
      returnData: false,
      metric: alarmQueryMetric(metric, application),
    });
    this.behind = new aws.cloudwatch.MetricAlarm(
      `${name}-behind`,
      {
        alarmDescription: `The hot-spot job is more than ${args.behindMs / 1000} s behind the stream: the Flink scaler adds parallelism`,
        alarmActions: [this.topic.arn],
        ...alarmMetric(FLINK_METRICS.millisBehindLatest, application),
        comparisonOperator: "GreaterThanThreshold",
        threshold: args.behindMs,
        evaluationPeriods: args.outPeriods,
        datapointsToAlarm: args.outPeriods,
        treatMissingData: "notBreaching",
      },
      parent,
    );
    this.idle = new aws.cloudwatch.MetricAlarm(
      `${name}-idle`,
      {
        alarmDescription: `The hot-spot job is caught up with CPU under ${d.lowCpuPercent}%: the Flink scaler removes parallelism`,
        alarmActions: [this.topic.arn],
        metricQueries: [
          query("behind", FLINK_METRICS.millisBehindLatest),
          query("cpu", FLINK_METRICS.containerCPUUtilization),
          {
            id: "idle",
            expression: `IF(behind < ${d.caughtUpMs} AND cpu < ${d.lowCpuPercent}, 1, 0)`,
            label: "caught up and idle",
            returnData: true,
          },
        ],
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: d.inPeriods,
        datapointsToAlarm: d.inPeriods,
        treatMissingData: "notBreaching",
      },
      parent,
    );
    admitAlarms(name, this.topic, [this.behind, this.idle], this);

    const environment = partEnvironment(FLINK_SCALER, {
      APPLICATION_NAME: args.application.name,
      MIN_PARALLELISM: args.minParallelism,
      MAX_PARALLELISM: args.maxParallelism,
      BEHIND_MS: args.behindMs,
      OUT_PERIODS: args.outPeriods,
      DRY_RUN: args.dryRun,
    });
    this.function = scalerFunction(
      name,
      {
        environment,
        // Exactly what the function calls on the application (its contract's calls).
        statements: [
          {
            sid: "Application",
            actions: actionsOn(FLINK_SCALER, "application", environment.variables),
            resources: [args.application.arn],
          },
        ],
        topic: this.topic,
        reservedConcurrency: args.reservedConcurrency,
      },
      this,
    );
    this.registerOutputs({ topicArn: this.topic.arn, functionName: this.function.name });
  }
}
