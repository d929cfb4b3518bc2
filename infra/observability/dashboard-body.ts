/**
 * The pipeline's CloudWatch dashboard, as a pure function of the names it watches: one
 * row per question an operator asks (is ingest keeping up, how full are the shards, are
 * consumers and the Flink job behind, is anything throttled, are rows reaching the lake, is
 * OpenSearch healthy).
 * Widgets follow the dashboard body structure:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import { STREAM_LIMITS } from "../../runtime/stream/limits";
import { KINESIS_STREAM_METRICS, StreamMetric } from "../../runtime/observability/metrics/kinesis";
import { FLINK_METRICS, FlinkMetric } from "../../runtime/observability/metrics/flink";
import {
  LAMBDA_ITERATOR_AGE_METRIC,
  RUNNING_TASKS_METRIC,
  SEARCH_CLUSTER_STATUS_METRICS,
  SERVICE_CPU_METRIC,
} from "../../runtime/observability/metrics/aws-services";
import {
  consumerLagQuery,
  LAKE_METRICS,
  PIPELINE_SERVICES,
  PROCESSING_LAG_METRICS,
  processingLagQuery,
  PRODUCER_METRICS,
  SERVICE_DIMENSION,
  SHARD_SCALER_METRICS,
} from "../../runtime/observability/metrics/pipeline";
import { dashboardLine, LineRendering } from "../../runtime/observability/metrics/reads";
import { SHARD_SCALING_DEFAULTS } from "../../runtime/scaling/shard-policy";
import { usageExpression } from "../../runtime/scaling/usage-alarms";

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
  /** Set when the lake is on: its workers' ECS service, and the alarm's bound on the oldest unstored record's age (ms). */
  lake?: { service: string; unstoredAgeBoundMs: number };
  /** A PROVISIONED stream's configured shard count (the capacity line until the scaler reports one); unset on ON_DEMAND, which has no fixed capacity. */
  shards?: number;
}

type Metric = (string | (LineRendering & { expression?: string }))[];

export interface Widget {
  type: "metric";
  width: number;
  height: number;
  properties: {
    title: string;
    region: string;
    view: "timeSeries";
    stat: string;
    period: number;
    metrics: Metric[];
    /** Lines across the graph at a value (an alarm's threshold). */
    annotations?: { horizontal: { label: string; value: number }[] };
  };
}

/** Every widget draws per minute, the finest its AWS metrics have (the catalogue's periods are the alarms' and reads'). */
const PERIOD = 60;

export function dashboardBody(n: DashboardNames): { widgets: Widget[] } {
  const widget = (title: string, metrics: Metric[], stat = "Average", period = PERIOD): Widget => ({
    type: "metric",
    width: 12,
    height: 6,
    properties: { title, region: n.region, view: "timeSeries", stat, period, metrics },
  });
  const stream = { StreamName: n.streamName };
  const ingest = { [SERVICE_DIMENSION]: PIPELINE_SERVICES.ingest, StreamName: n.streamName };
  const kinesis = (metric: StreamMetric, id: string): Metric =>
    dashboardLine(metric, stream, { id, stat: metric.statistic });
  const K = KINESIS_STREAM_METRICS;
  const services = [
    n.ingestService,
    ...(n.processingService ? [n.processingService] : []),
    ...(n.lake ? [n.lake.service] : []),
  ];
  const openShards = SHARD_SCALER_METRICS.OpenShards;
  const shards = dashboardLine(openShards, stream, { id: "reported", stat: openShards.statistic, visible: false });
  // The shard count: the scaler's report, or the configured count where it has none.
  const shardCount: Metric = [{ expression: `FILL(reported, ${n.shards})`, id: "shards", label: "open shards" }];
  const widgets: Widget[] = [
    widget(
      "Services: CPU %",
      services.map((s) => dashboardLine(SERVICE_CPU_METRIC, { ClusterName: n.clusterName, ServiceName: s })),
      SERVICE_CPU_METRIC.statistic,
    ),
    widget(
      "Services: running tasks",
      services.map((s) => dashboardLine(RUNNING_TASKS_METRIC, { ClusterName: n.clusterName, ServiceName: s })),
      RUNNING_TASKS_METRIC.statistic,
    ),
    widget(
      "Ingest: user records vs Kinesis records (aggregation ratio)",
      [
        dashboardLine(PRODUCER_METRICS.UserRecordsReceived, ingest, { id: "user" }),
        dashboardLine(PRODUCER_METRICS.KinesisRecordsPut, ingest, { id: "put" }),
        dashboardLine(PRODUCER_METRICS.PutRecordsCalls, ingest, { id: "calls" }),
        [{ expression: "user / put", id: "ratio", label: "user records per Kinesis record" }],
      ],
      // All three are counts the widget sums.
      PRODUCER_METRICS.UserRecordsReceived.statistic,
    ),
    widget(
      "Stream: incoming bytes and records" + (n.shards ? " vs shard capacity (per minute)" : " (per minute)"),
      [
        kinesis(K.IncomingBytes, "bytes"),
        kinesis(K.IncomingRecords, "records"),
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
              kinesis(K.IncomingBytes, "bytes"),
              kinesis(K.IncomingRecords, "records"),
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
    widget(
      "Stream: iterator age (ms)",
      [kinesis(K.GetRecordsIteratorAgeMilliseconds, "age")],
      K.GetRecordsIteratorAgeMilliseconds.statistic,
    ),
    // What the consumer-lag alarm watches, in either processing mode.
    n.processingFunction
      ? widget(
          `Processing: consumer lag (the function's ${LAMBDA_ITERATOR_AGE_METRIC.name}, ms)`,
          [
            dashboardLine(
              LAMBDA_ITERATOR_AGE_METRIC,
              { FunctionName: n.processingFunction },
              { id: "lag", label: "ms behind", stat: LAMBDA_ITERATOR_AGE_METRIC.statistic },
            ),
          ],
          LAMBDA_ITERATOR_AGE_METRIC.statistic,
        )
      : widget(
          `Processing: consumer lag by shard (${PROCESSING_LAG_METRICS.MillisBehindLatest.name})`,
          [[{ expression: processingLagQuery(n.streamName, true), id: "lag", label: "ms behind" }]],
          PROCESSING_LAG_METRICS.MillisBehindLatest.statistic,
        ),
    widget(
      "Stream: throttling",
      [kinesis(K.WriteProvisionedThroughputExceeded, "writes"), kinesis(K.ReadProvisionedThroughputExceeded, "reads")],
      K.WriteProvisionedThroughputExceeded.statistic,
    ),
  ];
  if (n.lake) {
    const lake = { [SERVICE_DIMENSION]: PIPELINE_SERVICES.lake, StreamName: n.streamName };
    const L = LAKE_METRICS;
    const counts = (metrics: (typeof L)[keyof typeof L][]) => metrics.map((m) => dashboardLine(m, lake));
    const age = widget(
      `Lake: oldest unstored record's age (${L.LakeOldestUnstoredAge.name}, ms)`,
      [dashboardLine(L.LakeOldestUnstoredAge, lake, { label: "ms since it reached the stream" })],
      L.LakeOldestUnstoredAge.statistic,
    );
    // What the lake-rows-late alarm acts on, and where.
    age.properties.annotations = { horizontal: [{ label: "rows late", value: n.lake.unstoredAgeBoundMs }] };
    widgets.push(
      widget(
        "Lake: rows, dead letters and objects stored (per minute)",
        counts([L.LakeRowsStored, L.LakeDeadLetters, L.LakeObjectsStored]),
        L.LakeRowsStored.statistic,
      ),
      age,
      // Records read twice and stored once: a zombie's or a killed worker's segments, met again.
      widget(
        "Lake: re-reads stored once (claims lost, objects already there)",
        counts([L.LakeClaimsLost, L.LakeObjectsAlreadyStored, L.LakeSegmentsStored]),
        L.LakeClaimsLost.statistic,
      ),
      widget(
        `Lake: consumer lag by shard (${PROCESSING_LAG_METRICS.MillisBehindLatest.name})`,
        [
          [
            {
              expression: consumerLagQuery(PIPELINE_SERVICES.lake, n.streamName, true),
              id: "lakeLag",
              label: "ms behind",
            },
          ],
        ],
        PROCESSING_LAG_METRICS.MillisBehindLatest.statistic,
      ),
    );
  }
  if (n.flinkApplication) {
    const application = { Application: n.flinkApplication };
    const flink = (metric: FlinkMetric): Metric => dashboardLine(metric, application, { stat: metric.statistic });
    const behind = FLINK_METRICS.millisBehindLatest;
    const checkpoints = [FLINK_METRICS.lastCheckpointSize, FLINK_METRICS.lastCheckpointDuration];
    widgets.push(
      // The alarms' metric and statistic, so the line shows what they act on.
      widget(`Flink: ${behind.name}`, [flink(behind)], behind.statistic),
      widget(`Flink: CPU % and ${FLINK_METRICS.KPUs.name}`, [
        flink(FLINK_METRICS.containerCPUUtilization),
        flink(FLINK_METRICS.KPUs),
      ]),
      widget("Flink: checkpoints", checkpoints.map(flink), checkpoints[0].statistic),
    );
  }
  if (n.searchDomain) {
    const domain = { DomainName: n.searchDomain, ClientId: n.accountId };
    const health = Object.values(SEARCH_CLUSTER_STATUS_METRICS);
    widgets.push(
      widget(
        "OpenSearch: cluster health (1 = that colour)",
        health.map((metric) => dashboardLine(metric, domain)),
        health[0].statistic,
      ),
    );
  }
  return { widgets };
}
