/**
 * The shard scaler's Lambda module (infra/scaling/shard-scaler.ts wraps `handle`): each alarm
 * notification (through SNS) and each scheduled event runs the scaler once. Runs may
 * overlap (no reserved concurrency by default): the claim in the history table lets one of
 * them change the stream (CONCURRENT-RUNS.md).
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { awsClient } from "../common/aws/aws-client";
import { asPart } from "../common/aws/call-trace";
import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { createKinesisClient } from "../common/aws/kinesis-client";
import { stdoutSink } from "../observability/emf";
import { dynamoShardHistory } from "./shard-history-dynamodb";
import { SHARD_SCALING_DEFAULTS } from "./shard-policy";
import { runShardScaler, ShardScalerOutcome } from "./shard-scaler";
import { shardScalerAws } from "./shard-scaler-aws";
import { SCALE_DOWN_PERIODS, SHARD_SCALER } from "./shard-scaler-contract";
import { readShardScalerSettings } from "./shard-scaler-settings";

/** Built on the first invocation and kept: the clients' connections serve the next ones. */
let scaler: { run: () => Promise<ShardScalerOutcome>; stream: string } | undefined;

function setUp(): NonNullable<typeof scaler> {
  const s = readShardScalerSettings(process.env);
  const config = {
    ...SHARD_SCALING_DEFAULTS,
    minShards: s.MIN_SHARDS,
    maxShards: s.MAX_SHARDS,
    targetUsage: s.TARGET_USAGE_PERCENT / 100,
  };
  const port = shardScalerAws({
    streamName: s.STREAM_NAME,
    // HTTP/1.1: the scaler never subscribes to a shard, the one call that needs HTTP/2.
    kinesis: createKinesisClient({ region: s.AWS_REGION, http: "1.1" }),
    history: dynamoShardHistory(createDynamoDbClient({ region: s.AWS_REGION }), s.HISTORY_TABLE, s.STREAM_NAME),
    cloudwatch: awsClient(CloudWatchClient, { region: s.AWS_REGION }),
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
  return {
    run: () => runShardScaler(port, config, { now: Date.now(), dryRun: s.DRY_RUN }),
    stream: s.STREAM_NAME,
  };
}

export function handle(): Promise<ShardScalerOutcome> {
  return asPart(SHARD_SCALER.part, SHARD_SCALER.variables, async () => {
    scaler ??= setUp();
    const outcome = await scaler.run();
    console.log(JSON.stringify({ level: "info", msg: "shard scaler", stream: scaler.stream, ...outcome }));
    return outcome;
  });
}
