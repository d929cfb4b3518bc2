/**
 * The Flink scaler's port on AWS: Managed Service for Apache Flink
 * (@aws-sdk/client-kinesis-analytics-v2) for the application and its parallelism,
 * CloudWatch for millisBehindLatest and CPU per minute, EMF for a failed change.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  UpdateApplicationCommand,
} from "@aws-sdk/client-kinesis-analytics-v2";
import { emfCount, LineSink } from "../observability/emf";
import { FlinkMetric, FLINK_METRICS } from "../observability/metrics/flink";
import { FLINK_SCALER_METRICS } from "../observability/metrics/pipeline";
import { metricStat } from "../observability/metrics/reads";
import { FlinkRevision, FlinkScalerPort } from "./flink-scaler";

/**
 * UpdateApplication's answers when the application is no longer as the run described it:
 * ConcurrentModificationException (the version id or conditional token is not current) or
 * ResourceInUseException (it is not in a state that takes an update, such as another run's
 * update in progress). The run made no change and another one did: superseded, not failed.
 * https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_UpdateApplication.html
 */
export const SUPERSEDED_UPDATE_ERRORS: readonly string[] = [
  "ConcurrentModificationException",
  "ResourceInUseException",
];

/**
 * The condition an update carries: the conditional token when DescribeApplication gave one
 * (the API reference: "for better concurrency support, use the ConditionalToken parameter
 * instead of CurrentApplicationVersionId"), the version id otherwise; one of the two, never both.
 */
export function updateCondition(seen: FlinkRevision) {
  return seen.conditionalToken !== undefined
    ? { ConditionalToken: seen.conditionalToken }
    : { CurrentApplicationVersionId: seen.versionId };
}

export interface FlinkScalerAwsOptions {
  applicationName: string;
  flink: KinesisAnalyticsV2Client;
  cloudwatch: CloudWatchClient;
  sink: LineSink;
}

export function flinkScalerAws(o: FlinkScalerAwsOptions): FlinkScalerPort {
  return {
    async describeApplication() {
      const { ApplicationDetail: d } = await o.flink.send(
        new DescribeApplicationCommand({ ApplicationName: o.applicationName }),
      );
      const p =
        d?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription
          ?.ParallelismConfigurationDescription;
      return {
        status: d?.ApplicationStatus ?? "UNKNOWN",
        parallelism: p?.CurrentParallelism ?? p?.Parallelism ?? 1,
        parallelismPerKpu: p?.ParallelismPerKPU ?? 1,
        versionId: d?.ApplicationVersionId ?? 0,
        ...(d?.ConditionalToken !== undefined ? { conditionalToken: d.ConditionalToken } : {}),
        lastChangeAt: d?.LastUpdateTimestamp?.getTime(),
      };
    },

    async periods(end, minutes) {
      const endMs = Math.floor(end.getTime() / 60_000) * 60_000;
      // Both at the family's period, a minute: the policy's periods.
      const application = { Application: o.applicationName };
      const query = (Id: string, metric: FlinkMetric) => ({
        Id,
        MetricStat: metricStat(metric, application),
      });
      const { MetricDataResults = [] } = await o.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(endMs - minutes * 60_000),
          EndTime: new Date(endMs),
          ScanBy: "TimestampAscending",
          MetricDataQueries: [
            query("behind", FLINK_METRICS.millisBehindLatest),
            query("cpu", FLINK_METRICS.containerCPUUtilization),
          ],
        }),
      );
      // One period per minute that has either metric, oldest first.
      const byMinute = new Map<number, { millisBehindLatest?: number; cpuPercent?: number }>();
      for (const result of MetricDataResults) {
        (result.Timestamps ?? []).forEach((t, i) => {
          const entry = byMinute.get(t.getTime()) ?? {};
          const value = result.Values?.[i];
          if (result.Id === "behind") entry.millisBehindLatest = value;
          else entry.cpuPercent = value;
          byMinute.set(t.getTime(), entry);
        });
      }
      return [...byMinute.entries()].sort(([a], [b]) => a - b).map(([, period]) => period);
    },

    async updateParallelism(parallelism, seen) {
      try {
        await o.flink.send(update(parallelism, seen));
        return true;
      } catch (e) {
        if (SUPERSEDED_UPDATE_ERRORS.includes((e as Error).name)) return false;
        throw e;
      }
    },

    reportFailure: (reason) =>
      emfCount(o.sink, { Application: o.applicationName }, FLINK_SCALER_METRICS.FlinkScalingFailures, 1, { reason }),
  };

  function update(parallelism: number, seen: FlinkRevision) {
    return new UpdateApplicationCommand({
      ApplicationName: o.applicationName,
      ...updateCondition(seen),
      ApplicationConfigurationUpdate: {
        FlinkApplicationConfigurationUpdate: {
          ParallelismConfigurationUpdate: {
            ConfigurationTypeUpdate: "CUSTOM",
            ParallelismUpdate: parallelism,
            // This scaler and the built-in one would fight: the built-in one stays off.
            AutoScalingEnabledUpdate: false,
          },
        },
      },
    });
  }
}
