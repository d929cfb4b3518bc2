/**
 * The shard scaler's two alarms as CloudWatch metric math: the stream's usage factor (the
 * same formula as shard-policy.ts, missing data as zero) against the scale-up and
 * scale-down thresholds. The expression carries the shard count, so the scaler rewrites
 * both alarms after every change; one function builds them for the stack and the scaler.
 */
import { KINESIS_STREAM_METRICS, StreamMetric } from "../observability/metrics/kinesis";
import { MetricStat, metricStat } from "../observability/metrics/reads";
import { STREAM_LIMITS } from "../stream/limits";

export interface UsageAlarmSpec {
  streamName: string;
  shards: number;
  periodMinutes: number;
}

export interface MetricQuery {
  Id: string;
  Expression?: string;
  Label?: string;
  ReturnData: boolean;
  MetricStat?: MetricStat;
}

/**
 * Usage = the busier of bytes and records, as a fraction of the shards' capacity over the
 * period. `shards` is a number (the alarms carry the count) or the id of a series that
 * holds it (the dashboard reads the scaler's OpenShards).
 */
export function usageExpression(shards: number | string, periodMinutes: number): string {
  const seconds = 60 * periodMinutes;
  const capacity = (perSecond: number) =>
    typeof shards === "number" ? `${perSecond * seconds * shards}` : `(${perSecond * seconds} * ${shards})`;
  return `MAX([FILL(bytes, 0) / ${capacity(STREAM_LIMITS.shardIngestBytesPerSecond)}, FILL(records, 0) / ${capacity(STREAM_LIMITS.shardIngestRecordsPerSecond)}])`;
}

export function usageMetricQueries(spec: UsageAlarmSpec): MetricQuery[] {
  const stat = (Id: string, metric: StreamMetric): MetricQuery => ({
    Id,
    ReturnData: false,
    MetricStat: metricStat(metric, { StreamName: spec.streamName }, spec.periodMinutes * 60),
  });
  return [
    stat("bytes", KINESIS_STREAM_METRICS.IncomingBytes),
    stat("records", KINESIS_STREAM_METRICS.IncomingRecords),
    {
      Id: "usage",
      Expression: usageExpression(spec.shards, spec.periodMinutes),
      Label: `usage factor of ${spec.shards} shards`,
      ReturnData: true,
    },
  ];
}

export interface AlarmThresholds {
  scaleUpAt: number;
  scaleDownBelow: number;
  downPeriods: number;
}

/** Scale up after one period at or above the threshold; down after `downPeriods` below. */
export function alarmConditions(t: AlarmThresholds) {
  return {
    up: {
      ComparisonOperator: "GreaterThanOrEqualToThreshold" as const,
      Threshold: t.scaleUpAt,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: "notBreaching" as const,
    },
    down: {
      ComparisonOperator: "LessThanThreshold" as const,
      Threshold: t.scaleDownBelow,
      EvaluationPeriods: t.downPeriods,
      DatapointsToAlarm: t.downPeriods,
      // An idle stream sends no data points at all: that is usage zero, below the threshold.
      TreatMissingData: "breaching" as const,
    },
  };
}

/** Both alarms, conditions and math, as PutMetricAlarm takes them. */
export function usageAlarms(spec: UsageAlarmSpec, thresholds: AlarmThresholds) {
  const conditions = alarmConditions(thresholds);
  const Metrics = usageMetricQueries(spec);
  return { up: { ...conditions.up, Metrics }, down: { ...conditions.down, Metrics } };
}
