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
  LAKE_COMPACTOR_METRICS,
  LAKE_METRICS,
  PROCESSING_LAG_METRICS,
  PROCESSING_METRICS,
  PRODUCER_METRICS,
  REPLAY_METRICS,
  SHARD_SCALER_METRICS,
  TENANT_METRICS,
  TENANT_REJECT_METRICS,
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
  ...Object.values(TENANT_METRICS),
  ...Object.values(TENANT_REJECT_METRICS),
  ...Object.values(REPLAY_METRICS),
  ...Object.values(PROCESSING_METRICS),
  ...Object.values(PROCESSING_LAG_METRICS),
  ...Object.values(LAKE_METRICS),
  ...Object.values(LAKE_COMPACTOR_METRICS),
  ...Object.values(SHARD_SCALER_METRICS),
  ...Object.values(FLINK_SCALER_METRICS),
];
