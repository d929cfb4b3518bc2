/**
 * The metrics the pipeline writes itself, as Embedded Metric Format lines on stdout (the
 * awslogs driver or Lambda ships them, CloudWatch Logs extracts them): ingest's producer,
 * the processing and lake workers, and the two scalers. EMF:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { emfFamily } from "./metric";
import { insightsQuery } from "./reads";

/** The CloudWatch namespace of every metric this pipeline publishes. */
export const METRICS_NAMESPACE = "KinesisPipeline";

/** Which of our programs wrote a document: the Service dimension's values. */
export const PIPELINE_SERVICES = {
  ingest: "ingest",
  replay: "replay",
  processing: "processing",
  lake: "lake",
} as const;
export type PipelineService = (typeof PIPELINE_SERVICES)[keyof typeof PIPELINE_SERVICES];

/**
 * The consumer applications that run the lease coordinator (runtime/processing/coordinator.ts):
 * each publishes the coordinator's counters under its own Service value, so the lake's reads
 * never add to processing's (both read every record of the stream).
 */
export type ConsumerApplication = typeof PIPELINE_SERVICES.processing | typeof PIPELINE_SERVICES.lake;

/** The dimensions a reader of our documents looks at (the local page). */
export const SERVICE_DIMENSION = "Service";
export const REASON_DIMENSION = "Reason";
export const SHARD_DIMENSION = "ShardId";
export const TENANT_DIMENSION = "Tenant";

/** Our documents' default interval is a minute (the local page's is shorter): a data point a minute. */
const PERIOD = 60;

/** The ingest service's producer counters, one document per interval (runtime/ingest/metrics.ts). */
export const PRODUCER_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: [SERVICE_DIMENSION, "StreamName"],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/ingest/metrics.ts",
  },
  {
    UserRecordsReceived: "Sum",
    UserRecordsAcknowledged: "Sum",
    KinesisRecordsPut: "Sum",
    PutRecordsCalls: "Sum",
    RetriesPerRecord: { statistic: "Average", unit: "None" },
    WrongShardResends: "Sum",
    RecordsExpired: "Sum",
    BufferingTimeAverage: { statistic: "Average", unit: "Milliseconds" },
    BufferingTimeMax: { statistic: "Maximum", unit: "Milliseconds" },
    RecordsPending: "Maximum",
  },
);

/**
 * The taxi replay's own counters, one document per interval (runtime/replay/replay-metrics.ts):
 * the trips it sent and those the ingest API accepted. Its trips reach the stream through
 * ingest, whose counters hold them too; these tell which of ingest's records are the replay's.
 */
export const REPLAY_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: [SERVICE_DIMENSION],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/replay/replay-metrics.ts",
  },
  { TripsSent: "Sum", TripsAccepted: "Sum" },
);

/** Refused request records, one document per reason (the ingest API's error code). */
export const INGEST_REJECT_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: [SERVICE_DIMENSION, "StreamName", REASON_DIMENSION],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/ingest/metrics.ts",
  },
  { Rejects: "Sum" },
);

/**
 * Ingest's counts per tenant (runtime/ingest/tenant-usage.ts): records and bytes accepted,
 * and refused records by reason. CloudWatch bills every distinct set of dimension values as
 * one custom metric ($0.30 a month each for the first 10,000, us-east-1,
 * https://aws.amazon.com/cloudwatch/pricing/), so only the tenants the stack names get a
 * Tenant value of their own; every other tenant is counted under TENANT_OTHERS, and all of
 * them are in the per-tenant usage log lines (Logs Insights: docs/tenants.md).
 */
export const TENANT_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: [SERVICE_DIMENSION, "StreamName", TENANT_DIMENSION],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/ingest/tenant-usage.ts",
  },
  { TenantRecords: "Sum", TenantBytes: { statistic: "Sum", unit: "Bytes" } },
);

/** Refused records per tenant and reason (rate_limited, tenant_disabled, the API's other codes). */
export const TENANT_REJECT_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: [SERVICE_DIMENSION, "StreamName", TENANT_DIMENSION, REASON_DIMENSION],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/ingest/tenant-usage.ts",
  },
  { TenantRejects: "Sum" },
);

/** The Tenant dimension's value for every tenant the stack does not name. */
export const TENANT_OTHERS = "others";

/**
 * The coordinator's counters, one document per interval (runtime/processing/metrics.ts), from
 * each consumer application that runs it: Service is processing or lake.
 */
export const PROCESSING_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: [SERVICE_DIMENSION, "StreamName"],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/processing/metrics.ts",
  },
  {
    RecordsProcessed: "Sum",
    ProcessingTimeAverage: { statistic: "Average", unit: "Milliseconds" },
    LeasesHeld: "Average",
    LeaseTakes: "Sum",
    LeaseSteals: "Sum",
    RecordsSkipped: "Sum",
    CheckpointFailures: "Sum",
    DeadLetters: "Sum",
  },
);

/**
 * How far a worker is behind the stream on a shard: the largest MillisBehindLatest its reads
 * returned in the interval, one document per shard. The furthest-behind shard is how far
 * processing is, so the maximum.
 */
export const PROCESSING_LAG_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: [SERVICE_DIMENSION, "StreamName", SHARD_DIMENSION],
    period: PERIOD,
    unit: "Milliseconds",
    reference: "runtime/processing/metrics.ts",
  },
  { MillisBehindLatest: "Maximum" },
);

/**
 * The lake writer's counters (runtime/lake/lake-metrics.ts), one document per interval per
 * worker: the segments it claimed and stored, the objects, rows, dead letters and bytes it
 * stored, and the conditional writes S3 refused with 412 because the key was taken: a claim
 * another writer made first, an object another writer stored (proof that records were read
 * again, and stored once: runtime/lake/EXACTLY-ONCE.md). Rows stored summed over the
 * workers are the rows in the lake.
 */
export const LAKE_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: [SERVICE_DIMENSION, "StreamName"],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/lake/lake-metrics.ts",
  },
  {
    LakeSegmentsClaimed: "Sum",
    LakeClaimsLost: "Sum",
    LakeSegmentsStored: "Sum",
    /**
     * Segments a worker cut before their roll size or time to stay within its memory budget
     * (LAKE_BUFFER_BYTES): a steady rate means smaller objects, and a task that wants more memory.
     */
    LakeSegmentsCutForMemory: "Sum",
    LakeObjectsStored: "Sum",
    LakeObjectsAlreadyStored: "Sum",
    LakeRowsStored: "Sum",
    LakeDeadLetters: "Sum",
    LakeBytesStored: { statistic: "Sum", unit: "Bytes" },
    /**
     * How long ago the oldest record a worker has read but not yet stored reached the stream
     * (0: none), at each report; the largest over the workers is how late the lake is.
     */
    LakeOldestUnstoredAge: { statistic: "Maximum", unit: "Milliseconds" },
  },
);

/** The lake compactor's runs (runtime/lake/compaction/): how far behind the hours are, and what it merged. */
export const LAKE_COMPACTOR_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: ["StreamName"],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/lake/compaction/compactor.ts",
  },
  {
    /**
     * Hours between the first hour still read from the segments' objects and the current one,
     * at the end of each run: 1 to 2 when the compactor keeps up (an hour closes once every
     * shard's progress is past it, plus the slack); more when a shard's writer is behind or down.
     */
    LakeHoursNotCompacted: "Maximum",
    LakeCompactedParts: "Sum",
    LakeCompactedRows: "Sum",
    LakeCompactedBytes: { statistic: "Sum", unit: "Bytes" },
    /** Segment objects tagged for expiry once their hour is read from its compacted parts. */
    LakeSegmentObjectsRetired: "Sum",
  },
);

/**
 * A consumer application's lag as a Metrics Insights query (its series are per shard): the
 * maximum over all shards, or one series per shard.
 */
export function consumerLagQuery(application: ConsumerApplication, streamName: string, byShard: boolean): string {
  return insightsQuery(
    PROCESSING_LAG_METRICS.MillisBehindLatest,
    { [SERVICE_DIMENSION]: application, StreamName: streamName },
    byShard ? SHARD_DIMENSION : undefined,
  );
}

/** The processing workers' lag: what the consumer-lag alarm and the dashboard read. */
export function processingLagQuery(streamName: string, byShard: boolean): string {
  return consumerLagQuery(PIPELINE_SERVICES.processing, streamName, byShard);
}

/**
 * The shard scaler's (runtime/scaling/shard-scaler-aws.ts): a failed change, one count per
 * run, read over 5 minutes (a run at least every 5 minutes: one period sees any failure);
 * and the open shards at every run, the dashboard's shard count (Kinesis publishes none).
 */
export const SHARD_SCALER_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: ["StreamName"],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/scaling/shard-scaler-aws.ts",
  },
  { ShardScalingFailures: { statistic: "Sum", period: 300 }, OpenShards: "Maximum" },
);

/** The Flink scaler's failed changes (runtime/scaling/flink-scaler-aws.ts), read as the shard scaler's. */
export const FLINK_SCALER_METRICS = emfFamily(
  {
    namespace: METRICS_NAMESPACE,
    dimensions: ["Application"],
    period: PERIOD,
    unit: "Count",
    reference: "runtime/scaling/flink-scaler-aws.ts",
  },
  { FlinkScalingFailures: { statistic: "Sum", period: 300 } },
);
