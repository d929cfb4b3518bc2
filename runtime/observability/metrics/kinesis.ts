/**
 * The metrics Kinesis Data Streams publishes (namespace AWS/Kinesis), each with the statistic
 * that makes sense for it, so nothing sums a latency or averages a byte count by accident:
 * https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
 * Three dimension sets, three families: the stream's (StreamName), an enhanced fan-out
 * consumer's (StreamName, ConsumerName) and a shard's (StreamName, ShardId, the enhanced
 * shard-level metrics, which have names of their own).
 */
import { metricFamily, MetricDefinition } from "./metric";

export const KINESIS_NAMESPACE = "AWS/Kinesis";
const REFERENCE = "https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html";
/** Kinesis sends a data point a minute; reads default to the shard scaler's 5-minute period, as CDK's do. */
const PERIOD = 300;

export const KINESIS_STREAM_METRICS = metricFamily(
  { namespace: KINESIS_NAMESPACE, dimensions: ["StreamName"], period: PERIOD, reference: REFERENCE },
  {
    IncomingBytes: "Sum",
    IncomingRecords: "Sum",
    "GetRecords.Bytes": "Sum",
    "GetRecords.Records": "Sum",
    "GetRecords.Latency": "Average",
    "GetRecords.Success": "Average",
    // Age of the oldest record read: the worst consumer matters, so Maximum.
    "GetRecords.IteratorAgeMilliseconds": "Maximum",
    "PutRecord.Bytes": "Sum",
    "PutRecord.Latency": "Average",
    "PutRecord.Success": "Average",
    "PutRecords.Bytes": "Sum",
    "PutRecords.Latency": "Average",
    "PutRecords.Success": "Average",
    "PutRecords.TotalRecords": "Sum",
    "PutRecords.SuccessfulRecords": "Sum",
    "PutRecords.FailedRecords": "Sum",
    "PutRecords.ThrottledRecords": "Sum",
    ReadProvisionedThroughputExceeded: "Sum",
    WriteProvisionedThroughputExceeded: "Sum",
  },
);

/** An enhanced fan-out consumer's metrics: published per consumer, so a read names it. */
export const KINESIS_CONSUMER_METRICS = metricFamily(
  { namespace: KINESIS_NAMESPACE, dimensions: ["StreamName", "ConsumerName"], period: PERIOD, reference: REFERENCE },
  {
    "SubscribeToShard.RateExceeded": "Sum",
    "SubscribeToShard.Success": "Average",
    "SubscribeToShardEvent.Bytes": "Sum",
    "SubscribeToShardEvent.Records": "Sum",
    "SubscribeToShardEvent.Success": "Average",
    "SubscribeToShardEvent.MillisBehindLatest": "Maximum",
  },
);

/**
 * The enhanced shard-level metrics, in the order StreamStorage switches them on; their
 * names are the ones EnableEnhancedMonitoring accepts:
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_EnableEnhancedMonitoring.html
 */
export const KINESIS_SHARD_METRICS = metricFamily(
  { namespace: KINESIS_NAMESPACE, dimensions: ["StreamName", "ShardId"], period: PERIOD, reference: REFERENCE },
  {
    IncomingBytes: "Sum",
    IncomingRecords: "Sum",
    OutgoingBytes: "Sum",
    OutgoingRecords: "Sum",
    IteratorAgeMilliseconds: "Maximum",
    WriteProvisionedThroughputExceeded: "Sum",
    ReadProvisionedThroughputExceeded: "Sum",
  },
);

/** Any of the stream's own metrics (dimension StreamName). */
export type StreamMetric = (typeof KINESIS_STREAM_METRICS)[keyof typeof KINESIS_STREAM_METRICS];
export type ConsumerMetric = (typeof KINESIS_CONSUMER_METRICS)[keyof typeof KINESIS_CONSUMER_METRICS];
export type ShardMetric = (typeof KINESIS_SHARD_METRICS)[keyof typeof KINESIS_SHARD_METRICS];

/** The names StreamStorage switches on (EnableEnhancedMonitoring's ShardLevelMetrics), in the family's order. */
export const SHARD_LEVEL_METRICS: readonly ShardMetric["name"][] = Object.values(KINESIS_SHARD_METRICS).map(
  (m) => m.name,
);

const S = KINESIS_STREAM_METRICS;
const H = KINESIS_SHARD_METRICS;
/** A stream-level metric and its shard-level counterpart, as the reference pairs them ("Shard-level metric name"). */
export const SHARD_LEVEL_COUNTERPARTS: readonly (readonly [StreamMetric, ShardMetric])[] = [
  [S.IncomingBytes, H.IncomingBytes],
  [S.IncomingRecords, H.IncomingRecords],
  [S.GetRecordsBytes, H.OutgoingBytes],
  [S.GetRecordsRecords, H.OutgoingRecords],
  [S.GetRecordsIteratorAgeMilliseconds, H.IteratorAgeMilliseconds],
  [S.ReadProvisionedThroughputExceeded, H.ReadProvisionedThroughputExceeded],
  [S.WriteProvisionedThroughputExceeded, H.WriteProvisionedThroughputExceeded],
];

export interface KinesisMetricScope {
  /** One shard: the metric's shard-level counterpart (needs the shard-level metrics the stream enables). */
  shardId?: string;
  /** One enhanced fan-out consumer: the SubscribeToShard metrics are published per consumer. */
  consumerName?: string;
}

const named = <M extends MetricDefinition>(family: Record<string, M>, name: string): M | undefined =>
  Object.values(family).find((m) => m.name === name);
const names = (family: Record<string, MetricDefinition>) =>
  Object.values(family)
    .map((m) => m.name)
    .join(", ");

/**
 * The Kinesis metric called `name` at the scope asked for, by its stream-level name (or the
 * shard-level one with a shard). Refuses a name or scope CloudWatch has no data for, saying
 * what is allowed.
 */
export function kinesisMetric(name: string, scope: KinesisMetricScope = {}): MetricDefinition {
  if (scope.shardId !== undefined && scope.consumerName !== undefined) {
    throw new Error("a Kinesis metric is either a shard's or a consumer's: give shardId or consumerName, not both");
  }
  const consumer = named(KINESIS_CONSUMER_METRICS, name);
  if (consumer !== undefined) {
    if (scope.consumerName === undefined) {
      throw new Error(`${name} is published per enhanced fan-out consumer: give consumerName`);
    }
    return consumer;
  }
  if (scope.consumerName !== undefined) {
    throw new Error(
      `consumerName narrows only a consumer's metrics (${names(KINESIS_CONSUMER_METRICS)}), got ${JSON.stringify(name)}`,
    );
  }
  const pair = SHARD_LEVEL_COUNTERPARTS.find(([stream, shard]) => stream.name === name || shard.name === name);
  if (scope.shardId !== undefined) {
    if (pair === undefined) {
      throw new Error(
        `metric ${JSON.stringify(name)} has no shard-level counterpart; shard-level metrics: ${SHARD_LEVEL_METRICS.join(", ")}`,
      );
    }
    return pair[1];
  }
  const stream = named(KINESIS_STREAM_METRICS, name);
  if (stream !== undefined) return stream;
  if (pair !== undefined) {
    throw new Error(`${name} is a shard-level metric: give shardId, or read ${pair[0].name} for the whole stream`);
  }
  throw new Error(
    `metric must be a Kinesis stream metric (${names(KINESIS_STREAM_METRICS)}), got ${JSON.stringify(name)}`,
  );
}
