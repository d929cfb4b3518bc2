/**
 * How far processing is behind the stream, in each processing mode. On Fargate the workers
 * publish their own MillisBehindLatest per shard (runtime/processing/metrics.ts, read with a
 * Metrics Insights query). In Lambda mode no worker of ours reads the stream: the event
 * source mapping does, and Lambda publishes how old the last record of each batch was when
 * the function got it, IteratorAge (AWS/Lambda, milliseconds; its maximum is the shard
 * furthest behind):
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
import * as pulumi from "@pulumi/pulumi";

export const LAMBDA_ITERATOR_AGE_METRIC = {
  namespace: "AWS/Lambda",
  metricName: "IteratorAge",
  statistic: "Maximum",
  period: 60,
} as const;

/** The processing function's iterator age, in the shape `aws.cloudwatch.MetricAlarm` takes. */
export function lambdaIteratorAge(functionName: pulumi.Input<string>) {
  return { ...LAMBDA_ITERATOR_AGE_METRIC, dimensions: { FunctionName: functionName } };
}
