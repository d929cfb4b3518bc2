/**
 * Every metric the pipeline writes or reads, in one list: AWS's (Kinesis, Managed Flink,
 * Lambda, ECS and Container Insights, OpenSearch) and ours (EMF). Readers and writers import
 * the definitions from their own files; this list is for what looks at all of them (the
 * check that no metric name is written anywhere else).
 */
import { FLINK_METRICS, SKIPPED_TRIPS_METRIC } from "./flink";
import { KINESIS_CONSUMER_METRICS, KINESIS_SHARD_METRICS, KINESIS_STREAM_METRICS } from "./kinesis";
import {
  LAMBDA_ITERATOR_AGE_METRIC,
  RUNNING_TASKS_METRIC,
  SEARCH_CLUSTER_STATUS_METRICS,
  SERVICE_CPU_METRIC,
} from "./aws-services";
import { MetricDefinition } from "./metric";
import {
  FLINK_SCALER_METRICS,
  INGEST_REJECT_METRICS,
  PROCESSING_LAG_METRICS,
  PROCESSING_METRICS,
  PRODUCER_METRICS,
  REPLAY_METRICS,
  SHARD_SCALER_METRICS,
} from "./pipeline";

export const METRIC_CATALOGUE: readonly MetricDefinition[] = [
  ...Object.values(KINESIS_STREAM_METRICS),
  ...Object.values(KINESIS_CONSUMER_METRICS),
  ...Object.values(KINESIS_SHARD_METRICS),
  ...Object.values(FLINK_METRICS),
  SKIPPED_TRIPS_METRIC,
  LAMBDA_ITERATOR_AGE_METRIC,
  SERVICE_CPU_METRIC,
  RUNNING_TASKS_METRIC,
  ...Object.values(SEARCH_CLUSTER_STATUS_METRICS),
  ...Object.values(PRODUCER_METRICS),
  ...Object.values(INGEST_REJECT_METRICS),
  ...Object.values(REPLAY_METRICS),
  ...Object.values(PROCESSING_METRICS),
  ...Object.values(PROCESSING_LAG_METRICS),
  ...Object.values(SHARD_SCALER_METRICS),
  ...Object.values(FLINK_SCALER_METRICS),
];

/** The catalogue as a Markdown table (docs/metrics.md holds it; a test keeps the two equal). */
export function catalogueTable(): string {
  const rows = METRIC_CATALOGUE.map((m) =>
    [
      `\`${m.name}\``,
      `\`${m.namespace}\``,
      m.dimensions.join(", "),
      m.statistic,
      String(m.period),
      m.unit ?? "",
      m.reference.startsWith("https://") ? `[AWS](${m.reference})` : `\`${m.reference}\``,
    ].join(" | "),
  );
  return [
    "| metric | namespace | dimensions | statistic | period (s) | unit | defined by |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r} |`),
  ].join("\n");
}
