/**
 * What an operator watches: alarms to an alerts topic (with an optional e-mail
 * subscription) and the pipeline's dashboard (dashboard-body.ts). Alarms: the Flink job
 * more than a minute behind, processing more than a minute behind (the workers' lag, or in
 * Lambda mode the function's iterator age), sustained write throttling, scaler failures,
 * and, with the lake, rows not reaching it; every metric from the catalogue
 * (runtime/observability/metrics/). The scalers'
 * own alarms wake the scalers; these wake people.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_ITERATOR_AGE_METRIC } from "../../runtime/observability/metrics/aws-services";
import { FLINK_METRICS } from "../../runtime/observability/metrics/flink";
import { KINESIS_STREAM_METRICS } from "../../runtime/observability/metrics/kinesis";
import {
  FLINK_SCALER_METRICS,
  LAKE_COMPACTOR_METRICS,
  LAKE_METRICS,
  PIPELINE_SERVICES,
  PROCESSING_LAG_METRICS,
  processingLagQuery,
  SERVICE_DIMENSION,
  SHARD_SCALER_METRICS,
} from "../../runtime/observability/metrics/pipeline";
import { EmfMetric } from "../../runtime/observability/metrics/metric";
import { alarmMetric } from "../../runtime/observability/metrics/reads";
import { dashboardBody } from "./dashboard-body";
import { admitAlarms, encryptedTopic, TopicKey } from "../common/encrypted-topic";
import { StreamStorage } from "../stream/stream-storage";

/** A minute behind: the lag at which processing or the Flink job is late enough to alert (the Flink scaler's default too). */
export const BEHIND_ALERT_MS = 60_000;

/**
 * Hours not yet compacted past which the lake's compactor is behind: an hour is merged 10 to
 * 30 minutes after it ends (the slack, a roll time, the next run), so 1 to 2 while it keeps up.
 */
export const LAKE_COMPACTION_BEHIND_HOURS = 3;

export interface ObservabilityArgs {
  clusterName: pulumi.Input<string>;
  stream: Pick<StreamStorage, "name" | "metric">;
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
  /**
   * Set when the lake is on: its workers' service, the oldest unstored record's age (ms) past
   * which rows are late, and whether its compactor runs.
   */
  lake?: { service: pulumi.Input<string>; unstoredAgeBoundMs: number; compaction?: boolean };
  alertEmail?: string;
  /** Encrypts the alerts topic. */
  topicKey: TopicKey;
}

export class Observability extends pulumi.ComponentResource {
  readonly alerts: aws.sns.Topic;
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:observability:Observability", name, {}, opts);
    const parent = { parent: this };
    this.alerts = encryptedTopic(`${name}-alerts`, { key: args.topicKey }, this);
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
        ? {
            ...alarmMetric(LAMBDA_ITERATOR_AGE_METRIC, { FunctionName: args.processingFunction }),
            threshold: BEHIND_ALERT_MS,
          }
        : {
            threshold: BEHIND_ALERT_MS,
            metricQueries: [
              {
                id: "lag",
                expression: args.stream.name.apply((stream) => processingLagQuery(stream, false)),
                period: PROCESSING_LAG_METRICS.MillisBehindLatest.period,
                returnData: true,
              },
            ],
          },
    );
    alarm(
      "write-throttling",
      "Writes to the stream are throttled in 3 of the last 5 minutes: too few shards for the load",
      {
        // Minute by minute: 3 of the alarm's 5 one-minute periods.
        ...args.stream.metric(KINESIS_STREAM_METRICS.WriteProvisionedThroughputExceeded.name, { periodSeconds: 60 }),
        threshold: 0,
        datapointsToAlarm: 3,
      },
    );
    // A scaler's failure metric (EMF, one count per failed run): any in its period alerts.
    const failures = (
      id: string,
      description: string,
      metric: EmfMetric,
      dimensions: Record<string, pulumi.Input<string>>,
    ) =>
      alarm(id, description, {
        ...alarmMetric(metric, dimensions),
        threshold: 0,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      });
    if (args.shardScaler)
      failures(
        "shard-scaler-failures",
        "The shard scaler could not change the shard count",
        SHARD_SCALER_METRICS.ShardScalingFailures,
        { StreamName: args.stream.name },
      );
    if (args.flinkApplication) {
      alarm("flink-behind", "The hot-spot Flink job is more than a minute behind the stream for 5 minutes", {
        ...alarmMetric(FLINK_METRICS.millisBehindLatest, { Application: args.flinkApplication }),
        threshold: BEHIND_ALERT_MS,
      });
      if (args.flinkScaler)
        failures(
          "flink-scaler-failures",
          "The Flink scaler could not change the parallelism",
          FLINK_SCALER_METRICS.FlinkScalingFailures,
          { Application: args.flinkApplication },
        );
    }

    if (args.lake) {
      const bound = args.lake.unstoredAgeBoundMs;
      alarm(
        "lake-rows-late",
        `Rows are not reaching the lake: a record read over ${Math.round(bound / 1000)} s ago is not stored, or no lake worker reports`,
        {
          ...alarmMetric(LAKE_METRICS.LakeOldestUnstoredAge, {
            [SERVICE_DIMENSION]: PIPELINE_SERVICES.lake,
            StreamName: args.stream.name,
          }),
          threshold: bound,
          // Every worker reports each minute, 0 when all it read is stored: a lake that no worker
          // reports for is storing nothing (lakeMinTasks is at least 1). Missing data:
          // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
          treatMissingData: "breaching",
          // Three minutes in a row: a report that drifts into the next minute is not an outage.
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
        },
      );
      if (args.lake.compaction) {
        alarm(
          "lake-compaction-behind",
          `Closed hours are not being compacted: the first hour still read from the segments' objects is over ${LAKE_COMPACTION_BEHIND_HOURS} hours old (a shard's writer behind or down, or compactor runs failing)`,
          {
            // One report per run (every 15 minutes): the largest in the hour.
            ...alarmMetric(LAKE_COMPACTOR_METRICS.LakeHoursNotCompacted, { StreamName: args.stream.name }, 3600),
            threshold: LAKE_COMPACTION_BEHIND_HOURS,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
          },
        );
      }
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
            args.stream.name,
            args.ingestService,
            // One element for both processing names, one for the lake's: pulumi.all types at most eight.
            pulumi.all([args.processingService, args.processingFunction]),
            pulumi.all([args.flinkApplication, args.searchDomain, args.lake?.service]),
          ])
          .apply(([r, a, cluster, stream, ingest, [processing, processingFunction], [flink, search, lakeService]]) =>
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
                lake:
                  args.lake && lakeService
                    ? { service: lakeService, unstoredAgeBoundMs: args.lake.unstoredAgeBoundMs }
                    : undefined,
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
