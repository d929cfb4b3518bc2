/**
 * The pipeline's CloudWatch dashboard, as a pure function of the names it watches: one
 * row per question an operator asks (is ingest keeping up, how full are the shards, are
 * consumers and the Flink job behind, is anything throttled, is OpenSearch healthy).
 * Widgets follow the dashboard body structure:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import { STREAM_LIMITS } from "../../runtime/stream/limits";
import { METRICS_NAMESPACE } from "../../runtime/observability/namespace";
import { FLINK_BEHIND_METRIC, FLINK_NAMESPACE } from "../../runtime/scaling/flink-scaler-contract";
import { OPEN_SHARDS_METRIC } from "../../runtime/scaling/shard-scaler-contract";
import { SHARD_SCALING_DEFAULTS } from "../../runtime/scaling/shard-policy";
import { consumerLagQuery } from "../../runtime/processing/service-contract";
import { usageExpression } from "../../runtime/scaling/usage-alarms";
import { LAMBDA_ITERATOR_AGE_METRIC } from "../processing/processing-lag";

export interface DashboardNames {
  region: string;
  accountId: string;
  clusterName: string;
  streamName: string;
  ingestService: string;
  processingService?: string;
  /** Lambda processing mode: the function whose iterator age is processing's lag. */
  processingFunction?: string;
  flinkApplication?: string;
  searchDomain?: string;
  /** A PROVISIONED stream's configured shard count (the capacity line until the scaler reports one); unset on ON_DEMAND, which has no fixed capacity. */
  shards?: number;
}

type Metric = (string | { expression?: string; id?: string; label?: string; visible?: boolean; stat?: string })[];

export interface Widget {
  type: "metric";
  width: number;
  height: number;
  properties: { title: string; region: string; view: "timeSeries"; stat: string; period: number; metrics: Metric[] };
}

const PERIOD = 60;

export function dashboardBody(n: DashboardNames): { widgets: Widget[] } {
  const widget = (title: string, metrics: Metric[], stat = "Average", period = PERIOD): Widget => ({
    type: "metric",
    width: 12,
    height: 6,
    properties: { title, region: n.region, view: "timeSeries", stat, period, metrics },
  });
  const kinesis = (name: string, id: string, stat: string): Metric => [
    "AWS/Kinesis",
    name,
    "StreamName",
    n.streamName,
    { id, stat },
  ];
  const services = [n.ingestService, ...(n.processingService ? [n.processingService] : [])];
  const shards: Metric = [
    METRICS_NAMESPACE,
    OPEN_SHARDS_METRIC,
    "StreamName",
    n.streamName,
    { id: "reported", stat: "Maximum", visible: false },
  ];
  // The shard count: the scaler's report, or the configured count where it has none.
  const shardCount: Metric = [{ expression: `FILL(reported, ${n.shards})`, id: "shards", label: "open shards" }];
  const widgets: Widget[] = [
    widget(
      "Services: CPU %",
      services.map((s) => ["AWS/ECS", "CPUUtilization", "ClusterName", n.clusterName, "ServiceName", s]),
    ),
    widget(
      "Services: running tasks",
      services.map((s) => [
        "ECS/ContainerInsights",
        "RunningTaskCount",
        "ClusterName",
        n.clusterName,
        "ServiceName",
        s,
      ]),
    ),
    widget(
      "Ingest: user records vs Kinesis records (aggregation ratio)",
      [
        [METRICS_NAMESPACE, "UserRecordsReceived", "Service", "ingest", "StreamName", n.streamName, { id: "user" }],
        [METRICS_NAMESPACE, "KinesisRecordsPut", "Service", "ingest", "StreamName", n.streamName, { id: "put" }],
        [METRICS_NAMESPACE, "PutRecordsCalls", "Service", "ingest", "StreamName", n.streamName, { id: "calls" }],
        [{ expression: "user / put", id: "ratio", label: "user records per Kinesis record" }],
      ],
      "Sum",
    ),
    widget(
      "Stream: incoming bytes and records" + (n.shards ? " vs shard capacity (per minute)" : " (per minute)"),
      [
        kinesis("IncomingBytes", "bytes", "Sum"),
        kinesis("IncomingRecords", "records", "Sum"),
        ...(n.shards
          ? [
              shards,
              shardCount,
              [
                {
                  expression: `shards * ${STREAM_LIMITS.shardIngestBytesPerSecond * PERIOD}`,
                  id: "byteCapacity",
                  label: "byte capacity",
                },
              ],
              [
                {
                  expression: `shards * ${STREAM_LIMITS.shardIngestRecordsPerSecond * PERIOD}`,
                  id: "recordCapacity",
                  label: "record capacity",
                },
              ],
            ]
          : []),
      ],
      "Sum",
    ),
    ...(n.shards
      ? [
          widget(
            "Stream: usage factor and shard count",
            [
              kinesis("IncomingBytes", "bytes", "Sum"),
              kinesis("IncomingRecords", "records", "Sum"),
              shards,
              shardCount,
              [
                {
                  expression: usageExpression("shards", PERIOD / 60),
                  id: "usage",
                  label: `usage factor (scale up at ${SHARD_SCALING_DEFAULTS.scaleUpAt}, down below ${SHARD_SCALING_DEFAULTS.scaleDownBelow})`,
                },
              ],
            ],
            "Sum",
          ),
        ]
      : []),
    widget("Stream: iterator age (ms)", [kinesis("GetRecords.IteratorAgeMilliseconds", "age", "Maximum")], "Maximum"),
    // What the consumer-lag alarm watches, in either processing mode.
    n.processingFunction
      ? widget(
          `Processing: consumer lag (the function's ${LAMBDA_ITERATOR_AGE_METRIC.metricName}, ms)`,
          [
            [
              LAMBDA_ITERATOR_AGE_METRIC.namespace,
              LAMBDA_ITERATOR_AGE_METRIC.metricName,
              "FunctionName",
              n.processingFunction,
              { id: "lag", label: "ms behind", stat: LAMBDA_ITERATOR_AGE_METRIC.statistic },
            ],
          ],
          LAMBDA_ITERATOR_AGE_METRIC.statistic,
        )
      : widget(
          "Processing: consumer lag by shard (MillisBehindLatest)",
          [
            [
              {
                expression: consumerLagQuery(n.streamName, true),
                id: "lag",
                label: "ms behind",
              },
            ],
          ],
          "Maximum",
        ),
    widget(
      "Stream: throttling",
      [
        kinesis("WriteProvisionedThroughputExceeded", "writes", "Sum"),
        kinesis("ReadProvisionedThroughputExceeded", "reads", "Sum"),
      ],
      "Sum",
    ),
  ];
  if (n.flinkApplication) {
    const flink = (name: string, stat: string): Metric => [
      FLINK_NAMESPACE,
      name,
      "Application",
      n.flinkApplication!,
      { stat },
    ];
    const { metricName, statistic } = FLINK_BEHIND_METRIC;
    widgets.push(
      // The alarms' metric and statistic, so the line shows what they act on.
      widget(`Flink: ${metricName}`, [flink(metricName, statistic)], statistic),
      widget("Flink: CPU % and KPUs", [flink("containerCPUUtilization", "Average"), flink("KPUs", "Maximum")]),
      widget(
        "Flink: checkpoints",
        [flink("lastCheckpointSize", "Maximum"), flink("lastCheckpointDuration", "Maximum")],
        "Maximum",
      ),
    );
  }
  if (n.searchDomain) {
    const health = (color: string): Metric => [
      "AWS/ES",
      `ClusterStatus.${color}`,
      "DomainName",
      n.searchDomain!,
      "ClientId",
      n.accountId,
    ];
    widgets.push(
      widget("OpenSearch: cluster health (1 = that colour)", ["green", "yellow", "red"].map(health), "Maximum"),
    );
  }
  return { widgets };
}
