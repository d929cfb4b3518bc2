import { expect } from "chai";
import { usageExpression } from "../../../runtime/scaling/usage-alarms";
import { SHARD_SCALING_DEFAULTS } from "../../../runtime/scaling/shard-policy";
import { SCALER_TIMEOUT_SECONDS } from "../../../infra/scaling/scaler-function";
import { archiveEntries, expectArchiveContents, unpackedBytes } from "../../harness/lambda-archive";
import { roleStatements, runPipeline } from "../../harness/pulumi";
import { FLINK_SCALER } from "../../../runtime/scaling/flink-scaler-contract";
import { SHARD_SCALER } from "../../../runtime/scaling/shard-scaler-contract";
import { functionEnvironment, settingsOf } from "../common/part-settings";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("ShardScaler", () => {
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    run = await runPipeline({ shardCount: "2" });
  });

  it("alarms on the usage factor of the stream's shards: up after one period >= 75%, down after 3 < 25%", () => {
    const up = run.recorded.one(ALARM, "shard-scaler-up");
    const down = run.recorded.one(ALARM, "shard-scaler-down");
    expect(up.inputs).to.deep.include({
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 0.75,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
    });
    expect(down.inputs).to.deep.include({
      comparisonOperator: "LessThanThreshold",
      threshold: 0.25,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "breaching",
    });
    for (const alarm of [up, down]) {
      const queries = alarm.inputs.metricQueries as Record<string, any>[];
      expect(queries.find((q) => q.id === "usage")).to.deep.include({
        expression: usageExpression(2, 5),
        returnData: true,
      });
      expect(
        queries
          .filter((q) => q.metric)
          .map((q) => [q.id, q.metric.metricName, q.metric.stat, q.metric.period, q.metric.dimensions]),
      ).to.deep.equal([
        ["bytes", "IncomingBytes", "Sum", 300, { StreamName: run.outputs.streamName }],
        ["records", "IncomingRecords", "Sum", 300, { StreamName: run.outputs.streamName }],
      ]);
      expect(alarm.inputs.alarmActions).to.deep.equal([
        run.recorded.one("aws:sns/topic:Topic", "shard-scaler").state.arn,
      ]);
      // The scaler rewrites the math after each change: pulumi up leaves it alone.
      expect(alarm.ignoreChanges).to.deep.equal(["metricQueries", "alarmDescription"]);
    }
  });

  it("the stream's shard count is the scaler's while it is on", () => {
    expect(run.recorded.one("aws:kinesis/stream:Stream", "stream").ignoreChanges).to.deep.equal(["shardCount"]);
  });

  it("the function: told its stream, bounds, history table, alarms and topic; subscribed to the topic", () => {
    const fn = run.recorded.one("aws:lambda/function:Function", "shard-scaler");
    const topic = run.recorded.one("aws:sns/topic:Topic", "shard-scaler");
    // As the function reads it: its contract's variables, through the runtime's reader (Lambda sets the region).
    expect(settingsOf(SHARD_SCALER, functionEnvironment(fn))).to.deep.equal({
      STREAM_NAME: run.outputs.streamName,
      AWS_REGION: "us-east-1",
      MIN_SHARDS: 1,
      MAX_SHARDS: 8,
      TARGET_USAGE_PERCENT: 50,
      DRY_RUN: false,
      HISTORY_TABLE: run.recorded.one("aws:dynamodb/table:Table", "shard-scaler-history").state.name,
      SCALE_UP_ALARM: run.recorded.one(ALARM, "shard-scaler-up").state.name,
      SCALE_DOWN_ALARM: run.recorded.one(ALARM, "shard-scaler-down").state.name,
      ALARM_TOPIC_ARN: topic.state.arn,
    });
    expect(run.recorded.one("aws:sns/topicSubscription:TopicSubscription", "shard-scaler").inputs).to.include({
      topic: topic.state.arn,
      protocol: "lambda",
      endpoint: fn.state.arn,
    });
    expect(run.recorded.one("aws:lambda/permission:Permission", "shard-scaler").inputs).to.include({
      action: "lambda:InvokeFunction",
      principal: "sns.amazonaws.com",
      sourceArn: topic.state.arn,
    });
    expect(run.outputs.scalingTopicArn).to.equal(topic.state.arn);
  });

  it("its history: a table keyed by stream name, on-demand, encrypted, with point-in-time recovery", () => {
    expect(run.recorded.one("aws:dynamodb/table:Table", "shard-scaler-history").inputs).to.deep.include({
      hashKey: "streamName",
      attributes: [{ name: "streamName", type: "S" }],
      billingMode: "PAY_PER_REQUEST",
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: true },
    });
  });

  it("its role: the stream's state, UpdateShardCount and DescribeLimits (on *: they have no resource type), its history's item, GetMetricData, its two alarms, its logs; nothing else", () => {
    const stream = run.recorded.one("aws:kinesis/stream:Stream", "stream");
    const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "shard-scaler");
    expect(roleStatements(run.recorded, "shard-scaler")).to.have.deep.members([
      {
        Sid: "Stream",
        Action: ["kinesis:DescribeStreamSummary"],
        Resource: [stream.state.arn],
      },
      { Sid: "Resize", Action: ["kinesis:UpdateShardCount"], Resource: ["*"] },
      {
        Sid: "History",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
        Resource: [run.recorded.one("aws:dynamodb/table:Table", "shard-scaler-history").state.arn],
      },
      { Sid: "NoResourceType", Action: ["cloudwatch:GetMetricData", "kinesis:DescribeLimits"], Resource: ["*"] },
      {
        Sid: "Alarms",
        Action: ["cloudwatch:PutMetricAlarm"],
        Resource: [
          run.recorded.one(ALARM, "shard-scaler-up").state.arn,
          run.recorded.one(ALARM, "shard-scaler-down").state.arn,
        ],
      },
      { Sid: "Logs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroup.state.arn}:*`] },
    ]);
  });

  it("its archive: the compiled runtime and aws-embedded-metrics; the SDK comes from the Lambda runtime", async () => {
    const assets = await archiveEntries(run.recorded.one("aws:lambda/function:Function", "shard-scaler"));
    expectArchiveContents(assets, ["aws-embedded-metrics"]);
    expect(unpackedBytes(assets)).to.be.below(20 * 1024 * 1024);
  });

  it("dry-run, bounds and target usage from config; no scaler when it is off or the stream is on-demand", async () => {
    const configured = await runPipeline({
      shardCount: "4",
      minShards: "2",
      maxShards: "12",
      shardScalerTargetUsage: "60",
      shardScalerDryRun: "true",
    });
    const settings = settingsOf(
      SHARD_SCALER,
      functionEnvironment(configured.recorded.one("aws:lambda/function:Function", "shard-scaler")),
    );
    expect([settings.MIN_SHARDS, settings.MAX_SHARDS, settings.TARGET_USAGE_PERCENT, settings.DRY_RUN]).to.deep.equal([
      2,
      12,
      60,
      true,
    ]);
    const without: Record<string, string>[] = [{ shardScaler: "false" }, { streamMode: "ON_DEMAND" }];
    for (const values of without) {
      const { recorded } = await runPipeline(values);
      expect(recorded.all(ALARM).filter((a) => a.name.startsWith("shard-scaler"))).to.have.length(0);
      expect(recorded.one("aws:kinesis/stream:Stream", "stream").ignoreChanges).to.deep.equal([]);
    }
  });
});

describe("FlinkScaler", () => {
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    run = await runPipeline({
      flinkParallelism: "2",
      flinkMaxParallelism: "16",
      flinkScaleOutBehindMs: "120000",
      flinkScaleOutPeriods: "5",
    });
  });

  it("alarms when the job is behind more than the configured 120 s for 5 minutes, and when it idles caught up with low CPU for 6", () => {
    const app = run.recorded.one("aws:kinesisanalyticsv2/application:Application");
    const behind = run.recorded.one(ALARM, "flink-scaler-behind");
    expect(behind.inputs).to.deep.include({
      namespace: "AWS/KinesisAnalytics",
      metricName: "millisBehindLatest",
      dimensions: { Application: app.state.name },
      statistic: "Maximum",
      period: 60,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 120_000,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
    });
    const idle = run.recorded.one(ALARM, "flink-scaler-idle");
    const queries = idle.inputs.metricQueries as Record<string, any>[];
    expect(queries.find((q) => q.id === "idle")?.expression).to.equal("IF(behind < 1000 AND cpu < 25, 1, 0)");
    expect(queries.filter((q) => q.metric).map((q) => [q.id, q.metric.metricName, q.metric.stat])).to.deep.equal([
      ["behind", "millisBehindLatest", "Maximum"],
      ["cpu", "containerCPUUtilization", "Average"],
    ]);
    expect(idle.inputs).to.deep.include({ threshold: 1, evaluationPeriods: 6, datapointsToAlarm: 6 });
    const topic = run.recorded.one("aws:sns/topic:Topic", "flink-scaler");
    for (const alarm of [behind, idle]) expect(alarm.inputs.alarmActions).to.deep.equal([topic.state.arn]);
    expect(run.outputs.flinkScalingTopicArn).to.equal(topic.state.arn);
  });

  it("its function: told the application and bounds; its role: describe and update that application, read metrics, its logs", () => {
    const app = run.recorded.one("aws:kinesisanalyticsv2/application:Application");
    const fn = run.recorded.one("aws:lambda/function:Function", "flink-scaler");
    expect(settingsOf(FLINK_SCALER, functionEnvironment(fn))).to.deep.equal({
      APPLICATION_NAME: app.state.name,
      AWS_REGION: "us-east-1",
      MIN_PARALLELISM: 1,
      MAX_PARALLELISM: 16,
      BEHIND_MS: 120_000,
      OUT_PERIODS: 5,
      DRY_RUN: false,
    });
    const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "flink-scaler");
    expect(roleStatements(run.recorded, "flink-scaler")).to.have.deep.members([
      {
        Sid: "Application",
        Action: ["kinesisanalytics:DescribeApplication", "kinesisanalytics:UpdateApplication"],
        Resource: [app.state.arn],
      },
      { Sid: "NoResourceType", Action: ["cloudwatch:GetMetricData"], Resource: ["*"] },
      { Sid: "Logs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroup.state.arn}:*`] },
    ]);
    expect(run.recorded.one("aws:sns/topicSubscription:TopicSubscription", "flink-scaler").inputs).to.include({
      endpoint: fn.state.arn,
      protocol: "lambda",
    });
  });

  it("keeps the application's built-in autoscaling off and pulumi up away from its parallelism", () => {
    const app = run.recorded.one("aws:kinesisanalyticsv2/application:Application");
    const config = app.inputs.applicationConfiguration as Record<string, any>;
    expect(config.flinkApplicationConfiguration.parallelismConfiguration).to.include({
      parallelism: 2,
      autoScalingEnabled: false,
    });
    expect(app.ignoreChanges).to.deep.equal([
      "applicationConfiguration.flinkApplicationConfiguration.parallelismConfiguration.parallelism",
    ]);
  });

  it("its archive: the compiled runtime and aws-embedded-metrics, no SDK (the Lambda runtime has it)", async () => {
    const assets = await archiveEntries(run.recorded.one("aws:lambda/function:Function", "flink-scaler"));
    expectArchiveContents(assets, ["aws-embedded-metrics"]);
    expect(unpackedBytes(assets)).to.be.below(20 * 1024 * 1024);
  });

  it("none with flinkScaler false (or analytics false), and no topic output", async () => {
    const without: Record<string, string>[] = [{ flinkScaler: "false" }, { analytics: "false", searchClientCidr: "" }];
    for (const values of without) {
      const { recorded, outputs } = await runPipeline(values);
      expect(recorded.all("aws:lambda/function:Function").filter((f) => f.name === "flink-scaler")).to.have.length(0);
      expect(outputs.flinkScalingTopicArn).to.equal(undefined);
    }
  });
});

describe("scaler functions' concurrency", () => {
  const scalers = ["shard-scaler", "flink-scaler"];

  it("reserve none by default: Lambda refuses any reservation on accounts that cannot keep 100 executions unreserved", async () => {
    const { recorded } = await runPipeline();
    for (const name of scalers) {
      expect(recorded.one("aws:lambda/function:Function", name).inputs, name).to.not.have.property(
        "reservedConcurrentExecutions",
      );
    }
  });

  it("reserve one execution each with scalerReservedConcurrency true", async () => {
    const { recorded } = await runPipeline({ scalerReservedConcurrency: "true" });
    for (const name of scalers) {
      expect(recorded.one("aws:lambda/function:Function", name).inputs.reservedConcurrentExecutions, name).to.equal(1);
    }
  });

  it("a run ends (the function's timeout) before the shortest cooldown lets another run change the stream", async () => {
    const shortest = Math.min(
      SHARD_SCALING_DEFAULTS.scaleUpCooldownMinutes,
      SHARD_SCALING_DEFAULTS.scaleDownCooldownMinutes,
    );
    expect(SCALER_TIMEOUT_SECONDS).to.be.below(shortest * 60);
    const { recorded } = await runPipeline();
    for (const name of scalers) {
      expect(recorded.one("aws:lambda/function:Function", name).inputs.timeout, name).to.equal(SCALER_TIMEOUT_SECONDS);
    }
  });
});

describe("scaler schedules", () => {
  it("both scalers also run every 5 minutes (an alarm that stays in ALARM notifies only once)", async () => {
    const { recorded } = await runPipeline();
    for (const name of ["shard-scaler", "flink-scaler"]) {
      const rule = recorded.one("aws:cloudwatch/eventRule:EventRule", name);
      expect(rule.inputs.scheduleExpression).to.equal("rate(5 minutes)");
      const fn = recorded.one("aws:lambda/function:Function", name);
      expect(recorded.one("aws:cloudwatch/eventTarget:EventTarget", name).inputs).to.include({ arn: fn.state.arn });
      expect(recorded.one("aws:lambda/permission:Permission", `${name}-schedule`).inputs).to.include({
        principal: "events.amazonaws.com",
        sourceArn: rule.state.arn,
      });
    }
  });
});
