/**
 * The shard scaler's Lambda module (infra/shard-scaler.ts wraps `handle`): each alarm
 * notification (through SNS) runs the scaler once. Reserved concurrency 1 keeps two runs
 * from deciding on the same stream at the same time.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { emfLogger, stdoutSink, Unit } from "../metrics/emf";
import { SHARD_SCALING_DEFAULTS } from "./shard-policy";
import { runShardScaler, ShardScalerOutcome } from "./shard-scaler";
import { shardScalerAws } from "./shard-scaler-aws";
import { readShardScalerSettings } from "./shard-scaler-settings";

/** The open shards at each run (every 5 minutes at least), in the pipeline's namespace. */
export const OPEN_SHARDS_METRIC = "OpenShards";

/** The alarms' evaluation, as infra/shard-scaler.ts creates them. */
export const SCALE_DOWN_PERIODS = 3;

export async function handle(): Promise<ShardScalerOutcome> {
  const s = readShardScalerSettings(process.env);
  const config = { ...SHARD_SCALING_DEFAULTS, minShards: s.MIN_SHARDS, maxShards: s.MAX_SHARDS };
  const port = shardScalerAws({
    streamName: s.STREAM_NAME,
    kinesis: new KinesisClient({ region: s.AWS_REGION }),
    cloudwatch: new CloudWatchClient({ region: s.AWS_REGION }),
    alarms: {
      up: s.SCALE_UP_ALARM,
      down: s.SCALE_DOWN_ALARM,
      topicArn: s.ALARM_TOPIC_ARN,
      scaleUpAt: config.scaleUpAt,
      scaleDownBelow: config.scaleDownBelow,
      downPeriods: SCALE_DOWN_PERIODS,
    },
    periodMinutes: config.periodMinutes,
    sink: stdoutSink,
  });
  const outcome = await runShardScaler(port, config, { now: Date.now(), dryRun: s.DRY_RUN === "on" });
  console.log(JSON.stringify({ level: "info", msg: "shard scaler", stream: s.STREAM_NAME, ...outcome }));
  // Kinesis publishes no shard count: the dashboard's capacity and usage lines read this one.
  const metrics = emfLogger(stdoutSink, { StreamName: s.STREAM_NAME });
  metrics.putMetric(OPEN_SHARDS_METRIC, outcome.decision.from, Unit.Count);
  await metrics.flush();
  return outcome;
}
