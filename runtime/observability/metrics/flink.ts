/**
 * The hot-spot job's metrics in Managed Service for Apache Flink (namespace
 * AWS/KinesisAnalytics), at the Application level its monitoring configuration publishes
 * (infra/hotspots/hotspot-job.ts): https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html
 */
import { metric, metricFamily } from "./metric";

export const FLINK_NAMESPACE = "AWS/KinesisAnalytics";

/** Per minute, as Managed Flink reports them (and the Flink scaler's periods). */
export const FLINK_METRICS = metricFamily(
  {
    namespace: FLINK_NAMESPACE,
    dimensions: ["Application"],
    period: 60,
    reference: "https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html",
  },
  {
    // How far the job is behind the stream: the furthest-behind source is how far the job
    // is, so the maximum. The Flink scaler, its alarms, the operators' alert and the
    // dashboard all read it so.
    millisBehindLatest: "Maximum",
    containerCPUUtilization: "Average",
    KPUs: "Maximum",
    lastCheckpointSize: "Maximum",
    lastCheckpointDuration: "Maximum",
  },
);

/** Any of the application's metrics (dimension Application). */
export type FlinkMetric = (typeof FLINK_METRICS)[keyof typeof FLINK_METRICS];

/**
 * The trips the job skipped, by reason (a TripProblem): COUNT_SKIPPED_TRIP's counter in the
 * metric group Managed Flink publishes, one per reason as the dimension Reason beside
 * Application (runtime/hotspots/udf/hotspot_udfs.py, which cannot import this file; a test
 * holds its names equal to these).
 */
export const SKIPPED_TRIPS_METRIC = metric({
  namespace: FLINK_NAMESPACE,
  name: "skippedTrips",
  dimensions: ["Application", "Reason"],
  statistic: "Sum",
  period: 60,
  reference: "https://docs.aws.amazon.com/managed-flink/latest/java/monitoring-metrics-custom.html",
});
