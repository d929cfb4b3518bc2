/**
 * CloudWatch metrics of a Kinesis stream, with the statistic that makes sense for each,
 * so alarms and dashboards never sum a latency or average a byte count by accident.
 * Names: https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
 */
import * as pulumi from "@pulumi/pulumi";

export type Statistic = "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount";

/** Stream-level metric name -> the statistic to use unless told otherwise. */
export const STREAM_METRICS = {
  IncomingBytes: "Sum",
  IncomingRecords: "Sum",
  OutgoingBytes: "Sum",
  OutgoingRecords: "Sum",
  "GetRecords.Bytes": "Sum",
  "GetRecords.Records": "Sum",
  "GetRecords.Latency": "Average",
  "GetRecords.Success": "Average",
  // Age of the oldest record read: the worst consumer matters, so Maximum.
  "GetRecords.IteratorAgeMilliseconds": "Maximum",
  IteratorAgeMilliseconds: "Maximum",
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
  "SubscribeToShard.RateExceeded": "Sum",
  "SubscribeToShard.Success": "Average",
  "SubscribeToShardEvent.Bytes": "Sum",
  "SubscribeToShardEvent.Records": "Sum",
  "SubscribeToShardEvent.Success": "Average",
  "SubscribeToShardEvent.MillisBehindLatest": "Maximum",
} as const satisfies Record<string, Statistic>;

export type StreamMetricName = keyof typeof STREAM_METRICS;

/** Kinesis publishes stream metrics every minute; alarms and the shard scaler use 5 minutes. */
export const DEFAULT_METRIC_PERIOD_SECONDS = 300;

export interface MetricOptions {
  /** Default: the statistic in STREAM_METRICS for this metric. */
  statistic?: Statistic;
  /** Default: 300 seconds. Must be a multiple of 60. */
  periodSeconds?: number;
  /** Narrows the metric to one shard (needs the shard-level metrics the stream enables). */
  shardId?: string;
}

/** A metric in the shape `aws.cloudwatch.MetricAlarm` and dashboard widgets take. */
export interface Metric {
  namespace: "AWS/Kinesis";
  metricName: StreamMetricName;
  dimensions: pulumi.Output<Record<string, string>>;
  statistic: Statistic;
  period: number;
}

export function streamMetric(streamName: pulumi.Input<string>, metricName: string, opts: MetricOptions = {}): Metric {
  if (!(metricName in STREAM_METRICS)) {
    throw new Error(
      `metric must be a Kinesis stream metric (${Object.keys(STREAM_METRICS).join(", ")}), got ${JSON.stringify(metricName)}`,
    );
  }
  const period = opts.periodSeconds ?? DEFAULT_METRIC_PERIOD_SECONDS;
  if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
    throw new Error(`periodSeconds must be a positive multiple of 60, got ${period}`);
  }
  const name = metricName as StreamMetricName;
  return {
    namespace: "AWS/Kinesis",
    metricName: name,
    dimensions: pulumi
      .output(streamName)
      .apply((s): Record<string, string> =>
        opts.shardId ? { StreamName: s, ShardId: opts.shardId } : { StreamName: s },
      ),
    statistic: opts.statistic ?? STREAM_METRICS[name],
    period,
  };
}
