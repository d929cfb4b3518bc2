/**
 * How far the hot-spot Flink application is behind the stream, as everything in the stack
 * reads it: the Flink scaler's alarms, the operators' alert and the dashboard. One
 * definition, so the line an operator watches is the one the scaler and the alert act on.
 * (The scaler function queries the same metric: runtime/scaling/flink-scaler-aws.ts.)
 */
import * as pulumi from "@pulumi/pulumi";
import { FLINK_NAMESPACE } from "../runtime/scaling/flink-scaler-aws";

/** millisBehindLatest per minute; its maximum, since the furthest behind is how far the job is. */
export const FLINK_BEHIND_METRIC = {
  namespace: FLINK_NAMESPACE,
  metricName: "millisBehindLatest",
  statistic: "Maximum",
  period: 60,
} as const;

/** The metric of one application, in the shape `aws.cloudwatch.MetricAlarm` takes. */
export function flinkBehindMetric(application: pulumi.Input<string>) {
  return { ...FLINK_BEHIND_METRIC, dimensions: { Application: application } };
}
