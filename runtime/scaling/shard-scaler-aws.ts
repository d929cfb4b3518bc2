/**
 * The shard scaler's port on AWS: Kinesis for the stream (its state and UpdateShardCount),
 * the scaler's history in DynamoDB (shard-history-dynamodb.ts: the 24-hour budget, and the
 * claim that lets one of two concurrent runs act), CloudWatch for the period's metrics and
 * the two alarms, and an EMF line for a failed change (CloudWatch Logs turns it into a
 * metric).
 */
import { CloudWatchClient, GetMetricDataCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  UpdateShardCountCommand,
} from "@aws-sdk/client-kinesis";
import { StreamMode } from "../stream/limits";
import { emfCount, LineSink } from "../observability/emf";
import { KINESIS_STREAM_METRICS, StreamMetric } from "../observability/metrics/kinesis";
import { processingLagQuery, SHARD_SCALER_METRICS } from "../observability/metrics/pipeline";
import { metricStat } from "../observability/metrics/reads";
import { ShardHistoryStore } from "./shard-history";
import { ShardScalerPort } from "./shard-scaler";
import { usageAlarms } from "./usage-alarms";

/** How long CloudWatch may take to have a minute's Kinesis metrics complete. */
export const METRICS_DELAY_MS = 2 * 60_000;

export interface ShardScalerAwsOptions {
  streamName: string;
  kinesis: KinesisClient;
  /** The scaler's history (on AWS: dynamoShardHistory). */
  history: ShardHistoryStore;
  cloudwatch: CloudWatchClient;
  alarms: {
    up: string;
    down: string;
    topicArn: string;
    scaleUpAt: number;
    scaleDownBelow: number;
    downPeriods: number;
  };
  periodMinutes: number;
  sink: LineSink;
}

/** The Kinesis half of the port: the stream's state and the change itself. */
export function streamScalingPort(
  kinesis: KinesisClient,
  streamName: string,
): Pick<ShardScalerPort, "describeStream" | "accountShardsFree" | "updateShardCount"> {
  return {
    // The account's shard quota and its open shards in the region: UpdateShardCount fails past
    // the quota. One call a run (DescribeLimits allows one a second per account):
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeLimits.html
    async accountShardsFree() {
      const limits = await kinesis.send(new DescribeLimitsCommand({}));
      if (limits.ShardLimit === undefined || limits.OpenShardCount === undefined) return undefined;
      return Math.max(0, limits.ShardLimit - limits.OpenShardCount);
    },

    async describeStream() {
      const { StreamDescriptionSummary: s } = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      return {
        mode: (s?.StreamModeDetails?.StreamMode ?? "PROVISIONED") as StreamMode,
        status: s?.StreamStatus ?? "UNKNOWN",
        openShards: s?.OpenShardCount ?? 0,
      };
    },

    async updateShardCount(target) {
      await kinesis.send(
        new UpdateShardCountCommand({
          StreamName: streamName,
          TargetShardCount: target,
          ScalingType: "UNIFORM_SCALING",
        }),
      );
    },
  };
}

export function shardScalerAws(o: ShardScalerAwsOptions): ShardScalerPort {
  const stream = streamScalingPort(o.kinesis, o.streamName);
  return {
    ...stream,
    history: () => o.history.read(),
    claimUpdate: (seen, updates) => o.history.claim(seen, updates),
    // Every run describes the stream, failed runs too: the gauge the dashboard reads for the
    // shard count (Kinesis publishes none) comes from here.
    async describeStream() {
      const state = await stream.describeStream();
      await emfCount(o.sink, { StreamName: o.streamName }, SHARD_SCALER_METRICS.OpenShards, state.openShards);
      return state;
    },

    async periodMetrics(end, periodMinutes) {
      const periodMs = periodMinutes * 60_000;
      // The last complete period that CloudWatch has had time to fill: Kinesis metrics land a
      // minute or two late, and a half-filled period would look like a quiet one (a false
      // scale-down). Periods are aligned to the clock.
      const endMs = Math.floor((end.getTime() - METRICS_DELAY_MS) / periodMs) * periodMs;
      // Over the policy's period: the usage factor is a rate over it.
      const dims = { StreamName: o.streamName };
      const query = (Id: string, metric: StreamMetric) => ({
        Id,
        MetricStat: metricStat(metric, dims, periodMinutes * 60),
      });
      const { MetricDataResults = [] } = await o.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(endMs - periodMs),
          EndTime: new Date(endMs),
          MetricDataQueries: [
            query("bytes", KINESIS_STREAM_METRICS.IncomingBytes),
            query("records", KINESIS_STREAM_METRICS.IncomingRecords),
            query("age", KINESIS_STREAM_METRICS.GetRecordsIteratorAgeMilliseconds),
            // Enhanced fan-out readers call no GetRecords, so the age above misses the
            // processing workers (fan-out by default): their own lag is the rest of "consumers
            // lag". One Metrics Insights query, as GetMetricData allows beside other metrics:
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
            { Id: "workers", Expression: processingLagQuery(o.streamName, false), Period: periodMinutes * 60 },
          ],
        }),
      );
      const value = (id: string) => MetricDataResults.find((r) => r.Id === id)?.Values?.[0];
      const ages = [value("age"), value("workers")].filter((v): v is number => v !== undefined);
      return {
        incomingBytes: value("bytes"),
        incomingRecords: value("records"),
        iteratorAgeMaxMs: ages.length > 0 ? Math.max(...ages) : undefined,
      };
    },

    async rewriteAlarms(shards) {
      const alarms = usageAlarms(
        { streamName: o.streamName, shards, periodMinutes: o.periodMinutes },
        { scaleUpAt: o.alarms.scaleUpAt, scaleDownBelow: o.alarms.scaleDownBelow, downPeriods: o.alarms.downPeriods },
      );
      for (const [name, alarm] of [
        [o.alarms.up, alarms.up],
        [o.alarms.down, alarms.down],
      ] as const) {
        await o.cloudwatch.send(
          new PutMetricAlarmCommand({
            AlarmName: name,
            AlarmDescription: `Shard scaler of ${o.streamName} (${shards} shards); rewritten by the scaler after each change`,
            AlarmActions: [o.alarms.topicArn],
            ...alarm,
          }),
        );
      }
    },

    reportFailure: (reason) =>
      emfCount(o.sink, { StreamName: o.streamName }, SHARD_SCALER_METRICS.ShardScalingFailures, 1, { reason }),
  };
}
