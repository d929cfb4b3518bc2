import { expect } from "chai";
import { dashboardBody, DashboardNames } from "../../../infra/observability/dashboard-body";
import { usageFactor } from "../../../runtime/scaling/shard-policy";
import { runPipeline } from "../../harness/pulumi";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const names: DashboardNames = {
  region: "eu-west-1",
  accountId: "123456789012",
  clusterName: "cluster",
  streamName: "trips",
  ingestService: "ingest",
  processingService: "processing",
  flinkApplication: "hotspots",
  searchDomain: "search",
  shards: 4,
};

describe("dashboard body", () => {
  const body = dashboardBody(names);
  const titles = body.widgets.map((w) => w.properties.title);

  it("has a widget for each thing an operator watches: services, aggregation, capacity, usage, lag, throttling, Flink, OpenSearch", () => {
    expect(titles).to.deep.equal([
      "Services: CPU %",
      "Services: running tasks",
      "Ingest: user records vs Kinesis records (aggregation ratio)",
      "Stream: incoming bytes and records vs shard capacity (per minute)",
      "Stream: usage factor and shard count",
      "Stream: iterator age (ms)",
      "Processing: consumer lag by shard (MillisBehindLatest)",
      "Stream: throttling",
      "Flink: millisBehindLatest",
      "Flink: CPU % and KPUs",
      "Flink: checkpoints",
      "OpenSearch: cluster health (1 = that colour)",
    ]);
    for (const w of body.widgets) expect(w.properties.region).to.equal("eu-west-1");
  });

  it("the usage line is the policy's usage factor (per-minute sums over the reported shards)", () => {
    const usage = body.widgets[4].properties.metrics.flat().find((m) => typeof m === "object" && m.id === "usage") as {
      expression: string;
    };
    const js = usage.expression
      .replace("MAX([", "Math.max(")
      .replace("])", ")")
      .replace("FILL(bytes, 0)", String(0.6 * 1024 * 1024 * 60 * 4))
      .replace("FILL(records, 0)", String(300 * 60 * 4))
      .replace(/shards/g, "4");
    expect(Function(`return ${js}`)()).to.be.closeTo(
      usageFactor({ incomingBytes: 0.6 * 1024 * 1024 * 60 * 4, incomingRecords: 300 * 60 * 4 }, 4, 1),
      1e-12,
    );
    const shards = body.widgets[4].properties.metrics
      .flat()
      .find((m) => typeof m === "object" && m.id === "shards") as { expression: string };
    expect(shards.expression).to.equal("FILL(reported, 4)");
  });

  it("reads the consumers' lag per shard with a Metrics Insights query on the pipeline's namespace", () => {
    const lag = body.widgets[6].properties.metrics[0][0] as { expression: string };
    expect(lag.expression).to.equal(
      "SELECT MAX(MillisBehindLatest) FROM KinesisPipeline WHERE Service = 'processing' AND StreamName = 'trips' GROUP BY ShardId",
    );
  });

  it("in Lambda processing mode, the lag widget shows the processing function's IteratorAge (its maximum), as the alarm does", () => {
    const lambdaMode = dashboardBody({ ...names, processingService: undefined, processingFunction: "processing-fn" });
    const lag = lambdaMode.widgets[6].properties;
    expect(lag.title).to.equal("Processing: consumer lag (the function's IteratorAge, ms)");
    expect(lag.stat).to.equal("Maximum");
    expect(lag.metrics).to.deep.equal([
      [
        "AWS/Lambda",
        "IteratorAge",
        "FunctionName",
        "processing-fn",
        { id: "lag", label: "ms behind", stat: "Maximum" },
      ],
    ]);
    expect(JSON.stringify(lambdaMode)).to.not.contain("MillisBehindLatest");
  });

  it("an on-demand stream (no fixed capacity) gets its traffic without capacity lines, and no usage widget", () => {
    const onDemand = dashboardBody({ ...names, shards: undefined });
    const titles = onDemand.widgets.map((w) => w.properties.title);
    expect(titles).to.include("Stream: incoming bytes and records (per minute)");
    expect(titles).to.not.include("Stream: usage factor and shard count");
    expect(JSON.stringify(onDemand)).to.not.contain("Capacity");
  });

  it("leaves out the Flink and OpenSearch rows without analytics, and processing in lambda mode", () => {
    const bare = dashboardBody({
      ...names,
      flinkApplication: undefined,
      searchDomain: undefined,
      processingService: undefined,
    });
    expect(bare.widgets).to.have.length(8);
    expect(bare.widgets[0].properties.metrics).to.have.length(1);
  });
});

describe("dashboard body with the lake", () => {
  const lake = { service: "lake-svc", unstoredAgeBoundMs: 674_334 };
  const body = dashboardBody({ ...names, lake });
  const titles = body.widgets.map((w) => w.properties.title);
  const widget = (title: string) => body.widgets.find((w) => w.properties.title.startsWith(title))!.properties;

  it("adds the lake's rows: what it stores, how late its oldest unstored record is, re-reads, its lag; after the stream's, before Flink's", () => {
    expect(titles.slice(8, 12)).to.deep.equal([
      "Lake: rows, dead letters and objects stored (per minute)",
      "Lake: oldest unstored record's age (LakeOldestUnstoredAge, ms)",
      "Lake: re-reads stored once (claims lost, objects already there)",
      "Lake: consumer lag by shard (MillisBehindLatest)",
    ]);
    expect(titles.slice(0, 8)).to.deep.equal(
      dashboardBody(names)
        .widgets.slice(0, 8)
        .map((w) => w.properties.title),
    );
    expect(titles[12]).to.equal("Flink: millisBehindLatest");
  });

  it("draws the lake's series under Service=lake, the oldest unstored age's maximum against the alarm's bound", () => {
    const stored = widget("Lake: rows").metrics;
    expect(stored.map((m) => m.slice(0, 6))).to.deep.equal(
      ["LakeRowsStored", "LakeDeadLetters", "LakeObjectsStored"].map((n) => [
        "KinesisPipeline",
        n,
        "Service",
        "lake",
        "StreamName",
        "trips",
      ]),
    );
    expect(widget("Lake: rows").stat).to.equal("Sum");
    const age = widget("Lake: oldest unstored");
    expect(age.stat).to.equal("Maximum");
    expect(age.annotations).to.deep.equal({ horizontal: [{ label: "rows late", value: 674_334 }] });
    expect((widget("Lake: consumer lag").metrics[0][0] as { expression: string }).expression).to.equal(
      "SELECT MAX(MillisBehindLatest) FROM KinesisPipeline WHERE Service = 'lake' AND StreamName = 'trips' GROUP BY ShardId",
    );
  });

  it("shows the lake workers' CPU and tasks beside the other services", () => {
    for (const title of ["Services: CPU %", "Services: running tasks"]) {
      expect(JSON.stringify(widget(title).metrics)).to.contain('"ServiceName","lake-svc"');
    }
  });

  it("without the lake: no lake widget, no lake service", () => {
    expect(JSON.stringify(dashboardBody(names))).to.not.match(/Lake|lake-svc/);
  });
});

describe("Observability", () => {
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    run = await runPipeline({ alertEmail: "ops@example.com" });
  });

  it("alarms to the alerts topic: consumer lag, write throttling, Flink behind, both scalers' failures, rows late to the lake, compaction behind", () => {
    const topic = run.recorded.one("aws:sns/topic:Topic", "operations-alerts");
    const alarms = run.recorded.all(ALARM).filter((a) => a.name.startsWith("operations-"));
    expect(alarms.map((a) => a.name).sort()).to.deep.equal([
      "operations-consumer-lag",
      "operations-flink-behind",
      "operations-flink-scaler-failures",
      "operations-lake-compaction-behind",
      "operations-lake-rows-late",
      "operations-shard-scaler-failures",
      "operations-write-throttling",
    ]);
    for (const a of alarms) {
      expect(a.inputs.alarmActions).to.deep.equal([topic.state.arn]);
      expect(a.inputs.okActions).to.deep.equal([topic.state.arn]);
    }
    const byName = (n: string) => alarms.find((a) => a.name === `operations-${n}`)!.inputs;
    expect(byName("flink-behind")).to.deep.include({
      metricName: "millisBehindLatest",
      statistic: "Maximum",
      threshold: 60_000,
    });
    expect(byName("write-throttling")).to.deep.include({
      metricName: "WriteProvisionedThroughputExceeded",
      threshold: 0,
      datapointsToAlarm: 3,
    });
    expect(byName("shard-scaler-failures")).to.deep.include({
      namespace: "KinesisPipeline",
      metricName: "ShardScalingFailures",
    });
    expect((byName("consumer-lag").metricQueries as { expression: string }[])[0].expression).to.match(
      /^SELECT MAX\(MillisBehindLatest\) FROM KinesisPipeline WHERE Service = 'processing'/,
    );
  });

  it("in Lambda processing mode, the consumer-lag alarm watches the processing function's IteratorAge: over a minute for 5 minutes", async () => {
    const { recorded } = await runPipeline({ processingMode: "lambda" });
    const fn = recorded.one("aws:lambda/function:Function", "processing-function");
    const lag = recorded.one(ALARM, "operations-consumer-lag").inputs;
    expect(lag).to.deep.include({
      alarmDescription: "Processing consumers are more than a minute behind the stream on some shard",
      namespace: "AWS/Lambda",
      metricName: "IteratorAge",
      dimensions: { FunctionName: fn.state.name },
      statistic: "Maximum",
      period: 60,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 60_000,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
    });
    // The workers' metric, which nothing publishes in this mode, is not watched.
    expect(lag.metricQueries).to.equal(undefined);
    const dashboard = recorded.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody as string;
    expect(dashboard).to.contain(`"IteratorAge","FunctionName","${fn.state.name}"`);
  });

  it("sends them to the configured e-mail address", () => {
    expect(
      run.recorded.one("aws:sns/topicSubscription:TopicSubscription", "operations-alerts-email").inputs,
    ).to.include({
      protocol: "email",
      endpoint: "ops@example.com",
    });
  });

  it("builds the dashboard from the stack's own names and outputs its URL", () => {
    const dashboard = run.recorded.one("aws:cloudwatch/dashboard:Dashboard");
    const body = JSON.parse(dashboard.inputs.dashboardBody as string);
    const ingest = run.recorded.one("aws:ecs/service:Service", "ingest");
    expect(JSON.stringify(body.widgets[0].properties.metrics)).to.contain(ingest.state.name as string);
    expect(JSON.stringify(body)).to.contain(run.outputs.streamName);
    expect(run.outputs.cloudwatchDashboardUrl).to.equal(
      `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=${dashboard.inputs.dashboardName}`,
    );
  });

  it("no failure alarm for a scaler that does not exist", async () => {
    const { recorded } = await runPipeline({ shardScaler: "false", flinkScaler: "false" });
    const names = recorded.all(ALARM).map((a) => a.name);
    expect(names).to.include("operations-flink-behind");
    expect(names).to.not.include("operations-shard-scaler-failures");
    expect(names).to.not.include("operations-flink-scaler-failures");
  });

  it("refuses an alert address that is not one", async () => {
    let error: Error | undefined;
    try {
      await runPipeline({ alertEmail: "ops at example" });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.contain("alertEmail must be an e-mail address such as ops@example.com, got");
  });
});
