/**
 * The shard scaler's AWS port against kinesis-local (the Kinesis half: the stream's state,
 * the history tag, UpdateShardCount), with CloudWatch as a recording stand-in: the whole
 * run, from a busy period to a resharded stream and rewritten alarms. Last, the function's
 * handler as Lambda runs it, with the SDK clients it builds (CloudWatch a JSON-protocol
 * stand-in), so its calls are in the call trace the IAM check reads.
 */
import { CloudWatchClient, GetMetricDataCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeStreamSummaryCommand, KinesisClient, ListTagsForStreamCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { createKinesisClient } from "../../runtime/aws/kinesis-client";
import { Emulator, LOCAL_REGION, startKinesis } from "../../runtime/local/emulators";
import { pollUntil } from "../../runtime/local/poll-until";
import { createLocalStream } from "../../runtime/local/stream-setup";
import { SHARD_SCALING_DEFAULTS } from "../../runtime/scaling/shard-policy";
import { runShardScaler } from "../../runtime/scaling/shard-scaler";
import { FAILURE_METRIC, HISTORY_TAG, METRICS_DELAY_MS, shardScalerAws } from "../../runtime/scaling/shard-scaler-aws";
import { usageExpression } from "../../runtime/scaling/usage-alarms";
import { freshModule, STAND_IN_CREDENTIALS, startAwsJsonStandIn, withEnv } from "../harness/aws-json-stand-in";

const MIB = 1024 * 1024;

/** CloudWatch that answers GetMetricData with fixed sums and records every alarm it is given. */
function cloudwatchStandIn(values: Record<string, number | undefined>) {
  const alarms: PutMetricAlarmCommand["input"][] = [];
  const queries: GetMetricDataCommand["input"][] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetMetricDataCommand) {
        queries.push(command.input);
        return {
          MetricDataResults: Object.entries(values).map(([Id, v]) => ({ Id, Values: v === undefined ? [] : [v] })),
        };
      }
      if (command instanceof PutMetricAlarmCommand) {
        alarms.push(command.input);
        return {};
      }
      throw new Error(`unexpected command ${(command as object).constructor.name}`);
    },
  } as unknown as CloudWatchClient;
  return { client, alarms, queries };
}

describe("shard scaler against kinesis-local", function () {
  this.timeout(60_000);
  let kinesis: Emulator;
  let client: KinesisClient;

  before(async () => {
    kinesis = await startKinesis();
    client = createKinesisClient({ region: LOCAL_REGION, endpoint: kinesis.endpoint, http: "1.1" });
  });
  after(async () => {
    client?.destroy();
    await kinesis?.stop();
  });

  async function setUp(cloudwatchValues: Record<string, number | undefined>) {
    const streamName = `scaler-test-${randomUUID().slice(0, 8)}`;
    await createLocalStream(client, streamName, 2);
    const cw = cloudwatchStandIn(cloudwatchValues);
    const lines: string[] = [];
    const port = shardScalerAws({
      streamName,
      kinesis: client,
      cloudwatch: cw.client,
      alarms: {
        up: "up-alarm",
        down: "down-alarm",
        topicArn: "arn:aws:sns:us-east-1:123456789012:scaling",
        scaleUpAt: 0.75,
        scaleDownBelow: 0.25,
        downPeriods: 3,
      },
      periodMinutes: 5,
      sink: (line) => lines.push(line),
    });
    return { streamName, port, cw, lines };
  }
  const config = { ...SHARD_SCALING_DEFAULTS, minShards: 1, maxShards: 8 };

  it("a busy period doubles the stream, records the call on the stream's tag, and rewrites both alarms for 4 shards", async () => {
    const { streamName, port, cw } = await setUp({ bytes: 0.9 * MIB * 300 * 2, records: 1000, age: 0 });
    const now = Date.now();
    const outcome = await runShardScaler(port, config, { now, dryRun: false });
    expect(outcome.decision).to.deep.include({ action: "scale-up", from: 2, to: 4 });

    await pollUntil(
      async () => {
        const { StreamDescriptionSummary: s } = await client.send(
          new DescribeStreamSummaryCommand({ StreamName: streamName }),
        );
        expect(s?.StreamStatus).to.equal("ACTIVE");
        expect(s?.OpenShardCount).to.equal(4);
      },
      { what: "the stream to be ACTIVE with 4 open shards", timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(await port.history()).to.deep.equal([Math.floor(now / 1000) * 1000]);
    expect(cw.alarms.map((a) => a.AlarmName)).to.deep.equal(["up-alarm", "down-alarm"]);
    for (const alarm of cw.alarms) {
      expect(alarm.Metrics?.find((m) => m.Id === "usage")?.Expression).to.equal(usageExpression(4, 5));
      expect(alarm.AlarmActions).to.deep.equal(["arn:aws:sns:us-east-1:123456789012:scaling"]);
    }
    // The period asked for: 5 minutes aligned to the clock, ending at least 2 minutes ago
    // (CloudWatch's Kinesis metrics land late), and the latest such period.
    const [query] = cw.queries;
    expect(query.EndTime!.getTime() % 300_000).to.equal(0);
    expect(query.EndTime!.getTime() - query.StartTime!.getTime()).to.equal(300_000);
    expect(now - query.EndTime!.getTime()).to.be.within(METRICS_DELAY_MS, METRICS_DELAY_MS + 300_000);
  });

  it("a second run while the stream is UPDATING leaves it alone; the history keeps at most 24 hours", async () => {
    // Busy enough for 4 shards too (90%), so a run that finds the reshard already done still
    // wants to scale up, and is held by the cooldown rather than by usage in band.
    const { port } = await setUp({ bytes: 0.9 * MIB * 300 * 4 });
    const old = Date.now() - 25 * 3600_000;
    await port.recordUpdate([old]);
    await runShardScaler(port, config, { now: Date.now(), dryRun: false });
    const second = await runShardScaler(port, config, { now: Date.now(), dryRun: false });
    // kinesis-local reshards in well under a second, so the second run may find it ACTIVE at
    // 4 shards and in its scale-up cooldown instead: either way, no second call.
    expect(second.applied).to.equal(false);
    expect(second.decision.reason).to.match(/UPDATING|cooldown/);
    expect(second.decision).to.have.property("code").that.is.oneOf(["not-active", "up-cooldown"]);
    const history = await port.history();
    expect(history).to.have.length(1);
    expect(history[0]).to.be.greaterThan(old);
  });

  it("a refused UpdateShardCount (beyond double) is reported as an EMF metric line and raised", async () => {
    const { port, lines } = await setUp({});
    let raised: Error | undefined;
    try {
      await port.updateShardCount(64);
    } catch (e) {
      raised = e as Error;
    }
    expect(raised, "kinesis-local should refuse 2 -> 64").to.be.instanceOf(Error);
    await port.reportFailure(`scale-up 2 -> 64: ${raised!.name}`);
    const doc = JSON.parse(lines[0]);
    expect(doc[FAILURE_METRIC]).to.equal(1);
    expect(doc._aws.CloudWatchMetrics[0].Metrics).to.deep.include({ Name: FAILURE_METRIC, Unit: "Count" });
    expect(doc.reason).to.match(/scale-up 2 -> 64/);
  });

  it("the function's handler, with the SDK clients it builds: a busy period doubles the stream and rewrites both alarms", async () => {
    const streamName = `scaler-test-${randomUUID().slice(0, 8)}`;
    await createLocalStream(client, streamName, 2);
    // CloudWatch played by a stand-in of its JSON protocol: a busy period, then the alarms taken.
    const cloudwatch = await startAwsJsonStandIn({
      GetMetricData: () => ({
        MetricDataResults: [
          { Id: "bytes", Values: [0.9 * MIB * 300 * 2] },
          { Id: "records", Values: [1000] },
          { Id: "age", Values: [0] },
        ],
      }),
      PutMetricAlarm: () => ({}),
    });
    try {
      const entry = freshModule<typeof import("../../runtime/scaling/shard-scaler-entry")>(
        "runtime/scaling/shard-scaler-entry",
      );
      const outcome = await withEnv(
        {
          ...STAND_IN_CREDENTIALS,
          AWS_REGION: LOCAL_REGION,
          AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
          AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint,
          STREAM_NAME: streamName,
          MIN_SHARDS: "1",
          MAX_SHARDS: "8",
          DRY_RUN: "off",
          SCALE_UP_ALARM: "up-alarm",
          SCALE_DOWN_ALARM: "down-alarm",
          ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:scaling",
        },
        () => entry.handle(),
      );
      expect(outcome.decision).to.deep.include({ action: "scale-up", from: 2, to: 4 });
      expect(outcome.applied).to.equal(true);
      expect(cloudwatch.calls.map((c) => [c.operation, c.input.AlarmName])).to.deep.equal([
        ["GetMetricData", undefined],
        ["PutMetricAlarm", "up-alarm"],
        ["PutMetricAlarm", "down-alarm"],
      ]);
      const { Tags = [] } = await client.send(new ListTagsForStreamCommand({ StreamName: streamName }));
      expect(Tags.map((t) => t.Key)).to.include(HISTORY_TAG);
    } finally {
      await cloudwatch.close();
    }
  });
});
