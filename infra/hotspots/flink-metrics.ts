/**
 * How far the hot-spot Flink application is behind the stream, in the shape the alarms take:
 * the metric the scaler function reads (FLINK_BEHIND_METRIC), so the line an operator
 * watches is the one the scaler and the alert act on.
 */
import * as pulumi from "@pulumi/pulumi";
import { FLINK_BEHIND_METRIC } from "../../runtime/scaling/flink-scaler-contract";

/** The metric of one application, in the shape `aws.cloudwatch.MetricAlarm` takes. */
export function flinkBehindMetric(application: pulumi.Input<string>) {
  return { ...FLINK_BEHIND_METRIC, dimensions: { Application: application } };
}
