/**
 * The shard scaler's AWS port against kinesis-local (the stream's state, UpdateShardCount)
 * and dynalite (the scaler's history and the claim on each change), with CloudWatch as a
 * recording stand-in: the whole run, from a busy period to a resharded stream and rewritten
 * alarms. Then overlapping runs (runtime/scaling/CONCURRENT-RUNS.md): the history on
 * dynalite, and a Kinesis stand-in that counts UpdateShardCount calls and refuses none.
 * Last, the function's handler as Lambda runs it, with the SDK clients it builds (Kinesis
 * and DynamoDB reached through their AWS_ENDPOINT_URL_* settings, CloudWatch a JSON-protocol
 * stand-in), so its calls are in the call trace the IAM check reads.
 */
import { CloudWatchClient, GetMetricDataCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  UpdateShardCountCommand,
} from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { createDynamoDbClient } from "../../../runtime/common/aws/dynamodb-client";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { Emulator, LOCAL_REGION, startDynamo, startKinesis } from "../../../runtime/local/emulators";
import { pollUntil } from "../../../runtime/local/poll-until";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { SHARD_SCALING_DEFAULTS } from "../../../runtime/scaling/shard-policy";
import { runShardScaler, ShardScalerOutcome } from "../../../runtime/scaling/shard-scaler";
import { ShardHistory, ShardHistoryStore } from "../../../runtime/scaling/shard-history";
import { dynamoShardHistory } from "../../../runtime/scaling/shard-history-dynamodb";
import { SHARD_HISTORY_KEY } from "../../../runtime/scaling/shard-scaler-contract";
import { METRICS_DELAY_MS, shardScalerAws } from "../../../runtime/scaling/shard-scaler-aws";
import { SHARD_SCALER_METRICS } from "../../../runtime/observability/metrics/pipeline";
import { usageExpression } from "../../../runtime/scaling/usage-alarms";
import { freshModule, STAND_IN_CREDENTIALS, startAwsJsonStandIn, withEnv } from "../../harness/aws-json-stand-in";

const MIB = 1024 * 1024;
const ALARMS = {
  up: "up-alarm",
  down: "down-alarm",
  topicArn: "arn:aws:sns:us-east-1:123456789012:scaling",
  scaleUpAt: 0.75,
  scaleDownBelow: 0.25,
  downPeriods: 3,
};

/** A history table as infra/scaling/shard-scaler.ts makes it (the key), on dynalite, ACTIVE. */
async function historyTable(dynamo: DynamoDBClient, tableName: string): Promise<string> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: SHARD_HISTORY_KEY, AttributeType: "S" }],
      KeySchema: [{ AttributeName: SHARD_HISTORY_KEY, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await pollUntil(
    async () => {
      try {
        const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
        expect(Table?.TableStatus).to.equal("ACTIVE");
      } catch (e) {
        if (e instanceof ResourceNotFoundException) expect.fail(`${tableName} not created yet`);
        throw e;
      }
    },
    { what: `the history table ${tableName} to be ACTIVE`, timeoutMs: 10_000, intervalMs: 50 },
  );
  return tableName;
}

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

describe("shard scaler against kinesis-local and dynalite", function () {
  this.timeout(60_000);
  let kinesis: Emulator;
  let client: KinesisClient;
  let dynamoEmulator: Emulator;
  let dynamo: DynamoDBClient;

  before(async () => {
    [kinesis, dynamoEmulator] = await Promise.all([startKinesis(), startDynamo()]);
    client = createKinesisClient({ region: LOCAL_REGION, endpoint: kinesis.endpoint, http: "1.1" });
    dynamo = createDynamoDbClient({ region: LOCAL_REGION, endpoint: dynamoEmulator.endpoint });
  });
  after(async () => {
    client?.destroy();
    dynamo?.destroy();
    await Promise.all([kinesis?.stop(), dynamoEmulator?.stop()]);
  });

  async function setUp(cloudwatchValues: Record<string, number | undefined>) {
    const streamName = `scaler-test-${randomUUID().slice(0, 8)}`;
    await createLocalStream(client, streamName, 2);
    const history = dynamoShardHistory(dynamo, await historyTable(dynamo, `history-${streamName}`), streamName);
    const cw = cloudwatchStandIn(cloudwatchValues);
    const lines: string[] = [];
    const port = shardScalerAws({
      streamName,
      kinesis: client,
      history,
      cloudwatch: cw.client,
      alarms: ALARMS,
      periodMinutes: 5,
      sink: (line) => lines.push(line),
    });
    return { streamName, port, history, cw, lines };
  }
  const config = { ...SHARD_SCALING_DEFAULTS, minShards: 1, maxShards: 8 };

  it("a busy period doubles the stream, records the call in the history table, and rewrites both alarms for 4 shards", async () => {
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
    expect(await port.history()).to.deep.equal({ updates: [now], version: 1 });
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
    const { port, history } = await setUp({ bytes: 0.9 * MIB * 300 * 4 });
    const old = Date.now() - 25 * 3600_000;
    expect(await history.claim({ updates: [], version: 0 }, [old])).to.equal(true);
    await runShardScaler(port, config, { now: Date.now(), dryRun: false });
    const second = await runShardScaler(port, config, { now: Date.now(), dryRun: false });
    // kinesis-local reshards in well under a second, so the second run may find it ACTIVE at
    // 4 shards and in its scale-up cooldown instead: either way, no second call.
    expect(second.applied).to.equal(false);
    expect(second.decision.reason).to.match(/UPDATING|cooldown/);
    expect(second.decision).to.have.property("code").that.is.oneOf(["not-active", "up-cooldown"]);
    const { updates, version } = await port.history();
    expect(updates).to.have.length(1);
    expect(updates[0]).to.be.greaterThan(old);
    expect(version).to.equal(2);
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
    expect(doc[SHARD_SCALER_METRICS.ShardScalingFailures.name]).to.equal(1);
    expect(doc._aws.CloudWatchMetrics[0].Metrics).to.deep.include({
      Name: SHARD_SCALER_METRICS.ShardScalingFailures.name,
      Unit: "Count",
    });
    expect(doc.reason).to.match(/scale-up 2 -> 64/);
  });

  describe("overlapping runs: one change (the history on dynalite, a Kinesis stand-in counting UpdateShardCount)", () => {
    /**
     * A 4-shard ACTIVE stream that stays so (as if no call had landed yet: the stream's status
     * cannot keep two calls apart) and accepts every UpdateShardCount, counting them. While
     * `holdUpdates` is set, each call waits, counted, until released.
     */
    function countingKinesis() {
      const targets: number[] = [];
      const held: (() => void)[] = [];
      let holdUpdates = false;
      const kinesisStandIn = {
        send: async (command: unknown) => {
          if (command instanceof DescribeStreamSummaryCommand) {
            return {
              StreamDescriptionSummary: {
                StreamStatus: "ACTIVE",
                StreamModeDetails: { StreamMode: "PROVISIONED" },
                OpenShardCount: 4,
              },
            };
          }
          // An account with room: the quota does not bound these runs.
          if (command instanceof DescribeLimitsCommand) return { ShardLimit: 500, OpenShardCount: 4 };
          if (command instanceof UpdateShardCountCommand) {
            targets.push(command.input.TargetShardCount!);
            if (holdUpdates) await new Promise<void>((resolve) => held.push(resolve));
            return {};
          }
          throw new Error(`unexpected ${(command as object).constructor.name}`);
        },
      } as unknown as KinesisClient;
      return {
        client: kinesisStandIn,
        targets,
        hold: () => void (holdUpdates = true),
        release: () => held.splice(0).forEach((resolve) => resolve()),
        heldCount: () => held.length,
      };
    }

    /**
     * The history as the runs see it, with its reads held: the first `n` reads return (what
     * they read) only once `n` have been made, or, by `stall`, only when released.
     */
    function heldReads(store: ShardHistoryStore) {
      const waiting: (() => void)[] = [];
      let toLineUp = 0;
      let toStall = 0;
      const gate = () => new Promise<void>((resolve) => waiting.push(resolve));
      const wrapped: ShardHistoryStore = {
        read: async () => {
          const seen = await store.read();
          if (toStall > 0) {
            toStall--;
            await gate();
          } else if (toLineUp > 0) {
            toLineUp--;
            const done = gate();
            if (toLineUp === 0) waiting.splice(0).forEach((resolve) => resolve());
            await done;
          }
          return seen;
        },
        claim: (seen: ShardHistory, updates: number[]) => store.claim(seen, updates),
      };
      return {
        store: wrapped,
        lineUp: (n: number) => void (toLineUp = n),
        stall: () => void (toStall = 1),
        release: () => waiting.splice(0).forEach((resolve) => resolve()),
        waitingCount: () => waiting.length,
      };
    }

    async function setUpRuns() {
      const streamName = `overlap-${randomUUID().slice(0, 8)}`;
      // Every GetItem the runs send, to check the reads are strongly consistent.
      const gets: GetItemCommand["input"][] = [];
      const recordingDynamo = {
        send: (command: unknown) => {
          if (command instanceof GetItemCommand) gets.push(command.input);
          return dynamo.send(command as never);
        },
      } as unknown as DynamoDBClient;
      const stored = dynamoShardHistory(
        recordingDynamo,
        await historyTable(dynamo, `history-${streamName}`),
        streamName,
      );
      const history = heldReads(stored);
      const kinesisStandIn = countingKinesis();
      const lines: string[] = [];
      const port = shardScalerAws({
        streamName,
        kinesis: kinesisStandIn.client,
        history: history.store,
        // 90% of 4 shards: every run decides to double.
        cloudwatch: cloudwatchStandIn({ bytes: 0.9 * MIB * 300 * 4 }).client,
        alarms: ALARMS,
        periodMinutes: 5,
        sink: (line) => lines.push(line),
      });
      const run = () => runShardScaler(port, config, { now: Date.now(), dryRun: false });
      return { run, history, stored, kinesis: kinesisStandIn, lines, gets };
    }

    /** Yields to the event loop until `ready()`, for at most 10 s. */
    async function until(ready: () => boolean, what: string) {
      const deadline = Date.now() + 10_000;
      while (!ready()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }

    const failures = (lines: string[]) =>
      lines.filter((l) => l.includes(SHARD_SCALER_METRICS.ShardScalingFailures.name));

    it("two runs that start together (an alarm and the schedule) read the same history: one call, the other superseded", async () => {
      const { run, history, stored, kinesis: k, lines, gets } = await setUpRuns();
      history.lineUp(2);
      const outcomes: ShardScalerOutcome[] = await Promise.all([run(), run()]);
      expect(k.targets).to.deep.equal([8]);
      expect(outcomes.map((o) => o.applied).sort()).to.deep.equal([false, true]);
      expect(outcomes.find((o) => !o.applied)?.superseded).to.match(/another run claimed a change/);
      expect(failures(lines)).to.deep.equal([]);
      const { updates, version } = await stored.read();
      expect([updates.length, version]).to.deep.equal([1, 1]);
      expect(gets.every((g) => g.ConsistentRead === true)).to.equal(true);
    });

    it("ten runs at once, in whatever order they read and claim: one call", async () => {
      const { run, stored, kinesis: k, lines } = await setUpRuns();
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => run()));
      expect(k.targets).to.deep.equal([8]);
      expect(outcomes.filter((o) => o.applied)).to.have.length(1);
      // The others either lost the claim or read it and kept the cooldown.
      for (const o of outcomes.filter((o) => !o.applied)) {
        expect(o.superseded ?? ("code" in o.decision && o.decision.code)).to.match(/another run claimed|up-cooldown/);
      }
      expect(failures(lines)).to.deep.equal([]);
      expect((await stored.read()).version).to.equal(1);
    });

    it("a run that stalls after reading the history, while another changes the stream, makes no change when it wakes", async () => {
      const { run, history, kinesis: k } = await setUpRuns();
      history.stall();
      const stalled = run();
      await until(() => history.waitingCount() === 1, "the stalled run to read the history");
      const other = await run();
      expect(other.applied).to.equal(true);
      history.release();
      const late = await stalled;
      expect(late).to.deep.include({ applied: false });
      expect(late.superseded).to.match(/another run claimed a change after this one read the history \(version 0\)/);
      expect(k.targets).to.deep.equal([8]);
    });

    it("a run that starts after a claim whose call has not landed yet is held by the cooldown", async () => {
      const { run, kinesis: k } = await setUpRuns();
      k.hold();
      const first = run();
      await until(() => k.heldCount() === 1, "the first run's UpdateShardCount");
      const second = await run();
      expect(second.applied).to.equal(false);
      expect(second.decision).to.deep.include({ action: "none", code: "up-cooldown" });
      k.release();
      expect((await first).applied).to.equal(true);
      expect(k.targets).to.deep.equal([8]);
    });
  });

  it("the function's handler, with the SDK clients it builds: a busy period doubles the stream, claims it in the history, rewrites both alarms", async () => {
    const streamName = `scaler-test-${randomUUID().slice(0, 8)}`;
    await createLocalStream(client, streamName, 2);
    const table = await historyTable(dynamo, `history-${streamName}`);
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
      const entry = freshModule<typeof import("../../../runtime/scaling/shard-scaler-entry")>(
        "runtime/scaling/shard-scaler-entry",
      );
      const before = Date.now();
      const outcome = await withEnv(
        {
          ...STAND_IN_CREDENTIALS,
          AWS_REGION: LOCAL_REGION,
          AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: dynamoEmulator.endpoint,
          AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.endpoint,
          STREAM_NAME: streamName,
          MIN_SHARDS: "1",
          MAX_SHARDS: "8",
          DRY_RUN: "false",
          HISTORY_TABLE: table,
          SCALE_UP_ALARM: "up-alarm",
          SCALE_DOWN_ALARM: "down-alarm",
          ALARM_TOPIC_ARN: ALARMS.topicArn,
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
      const { updates, version } = await dynamoShardHistory(dynamo, table, streamName).read();
      expect(version).to.equal(1);
      expect(updates).to.have.length(1);
      expect(updates[0]).to.be.within(before, Date.now());
    } finally {
      await cloudwatch.close();
    }
  });
});
