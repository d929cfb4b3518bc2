/**
 * What an operator watches: alarms to an alerts topic (with an optional e-mail
 * subscription) and the pipeline's dashboard (dashboard-body.ts). Alarms: the Flink job
 * more than a minute behind, processing more than a minute behind (the workers' lag, or in
 * Lambda mode the function's iterator age: processing-lag.ts), sustained write throttling,
 * and scaler failures. The scalers' own alarms wake the scalers; these wake people.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { METRICS_NAMESPACE } from "../../runtime/observability/namespace";
import { FLINK_FAILURE_METRIC } from "../../runtime/scaling/flink-scaler-contract";
import { FAILURE_METRIC } from "../../runtime/scaling/shard-scaler-contract";
import { dashboardBody } from "./dashboard-body";
import { flinkBehindMetric } from "../hotspots/flink-metrics";
import { consumerLagQuery } from "../../runtime/processing/service-contract";
import { admitAlarms, encryptedTopic, TopicKey } from "../common/encrypted-topic";
import { lambdaIteratorAge } from "../processing/processing-lag";

/** A minute behind, as the issue and the Flink scaler measure it. */
export const BEHIND_ALERT_MS = 60_000;

export interface ObservabilityArgs {
  clusterName: pulumi.Input<string>;
  streamName: pulumi.Input<string>;
  /** A PROVISIONED stream's shard count; unset on ON_DEMAND. */
  shards?: number;
  /** Which scalers exist: their failure alarms exist with them. */
  shardScaler: boolean;
  flinkScaler: boolean;
  ingestService: pulumi.Input<string>;
  processingService?: pulumi.Input<string>;
  /** Set in Lambda processing mode: the function whose iterator age is processing's lag. */
  processingFunction?: pulumi.Input<string>;
  flinkApplication?: pulumi.Input<string>;
  searchDomain?: pulumi.Input<string>;
  alertEmail?: string;
  /** Encrypts the alerts topic. */
  topicKey: TopicKey;
  tags: Record<string, string>;
}

export class Observability extends pulumi.ComponentResource {
  readonly alerts: aws.sns.Topic;
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:observability:Observability", name, {}, opts);
    const parent = { parent: this };
    this.alerts = encryptedTopic(`${name}-alerts`, { key: args.topicKey, tags: args.tags }, this);
    if (args.alertEmail) {
      new aws.sns.TopicSubscription(
        `${name}-alerts-email`,
        { topic: this.alerts.arn, protocol: "email", endpoint: args.alertEmail },
        parent,
      );
    }
    // Every alarm made here notifies the alerts topic, whose policy admits exactly these.
    const alarms: aws.cloudwatch.MetricAlarm[] = [];
    const alarm = (alarmName: string, description: string, inputs: Partial<aws.cloudwatch.MetricAlarmArgs>) => {
      const created = new aws.cloudwatch.MetricAlarm(
        `${name}-${alarmName}`,
        {
          alarmDescription: description,
          alarmActions: [this.alerts.arn],
          okActions: [this.alerts.arn],
          treatMissingData: "notBreaching",
          comparisonOperator: "GreaterThanThreshold",
          evaluationPeriods: 5,
          datapointsToAlarm: 5,
          tags: args.tags,
          ...inputs,
        } as aws.cloudwatch.MetricAlarmArgs,
        parent,
      );
      alarms.push(created);
      return created;
    };

    // The workers' metric does not exist in Lambda mode: there the function's iterator age says the same.
    alarm(
      "consumer-lag",
      "Processing consumers are more than a minute behind the stream on some shard",
      args.processingFunction
        ? { ...lambdaIteratorAge(args.processingFunction), threshold: BEHIND_ALERT_MS }
        : {
            threshold: BEHIND_ALERT_MS,
            metricQueries: [
              {
                id: "lag",
                expression: pulumi.output(args.streamName).apply((stream) => consumerLagQuery(stream, false)),
                period: 60,
                returnData: true,
              },
            ],
          },
    );
    alarm(
      "write-throttling",
      "Writes to the stream are throttled in 3 of the last 5 minutes: too few shards for the load",
      {
        namespace: "AWS/Kinesis",
        metricName: "WriteProvisionedThroughputExceeded",
        dimensions: { StreamName: args.streamName },
        statistic: "Sum",
        period: 60,
        threshold: 0,
        datapointsToAlarm: 3,
      },
    );
    // A scaler's failure metric (EMF, one count per failed run): any in 5 minutes alerts.
    const failures = (
      id: string,
      description: string,
      metricName: string,
      dimensions: Record<string, pulumi.Input<string>>,
    ) =>
      alarm(id, description, {
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensions,
        statistic: "Sum",
        period: 300,
        threshold: 0,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      });
    if (args.shardScaler)
      failures("shard-scaler-failures", "The shard scaler could not change the shard count", FAILURE_METRIC, {
        StreamName: args.streamName,
      });
    if (args.flinkApplication) {
      alarm("flink-behind", "The hot-spot Flink job is more than a minute behind the stream for 5 minutes", {
        ...flinkBehindMetric(args.flinkApplication),
        threshold: BEHIND_ALERT_MS,
      });
      if (args.flinkScaler)
        failures("flink-scaler-failures", "The Flink scaler could not change the parallelism", FLINK_FAILURE_METRIC, {
          Application: args.flinkApplication,
        });
    }

    admitAlarms(`${name}-alerts`, this.alerts, alarms, this);

    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    this.dashboard = new aws.cloudwatch.Dashboard(
      name,
      {
        dashboardName: pulumi.interpolate`${pulumi.getProject()}-${pulumi.getStack()}`,
        dashboardBody: pulumi
          .all([
            region,
            accountId,
            args.clusterName,
            args.streamName,
            args.ingestService,
            // One element for both processing names: pulumi.all types at most eight.
            pulumi.all([args.processingService, args.processingFunction]),
            args.flinkApplication,
            args.searchDomain,
          ])
          .apply(([r, a, cluster, stream, ingest, [processing, processingFunction], flink, search]) =>
            JSON.stringify(
              dashboardBody({
                region: r,
                accountId: a,
                clusterName: cluster,
                streamName: stream,
                ingestService: ingest,
                processingService: processing,
                processingFunction,
                flinkApplication: flink,
                searchDomain: search,
                shards: args.shards,
              }),
            ),
          ),
      },
      parent,
    );
    this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
    this.registerOutputs({ alertsTopicArn: this.alerts.arn, dashboardUrl: this.dashboardUrl });
  }
}
