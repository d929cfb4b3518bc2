/**
 * A catalogue metric in each reader's shape (runtime/observability/metrics/reads.ts), the
 * Kinesis metric by name and scope (kinesis.ts), and an EMF document that writes only what
 * the catalogue defines (emf.ts).
 */
import { expect } from "chai";
import { metricsDocument } from "../../../runtime/observability/emf";
import { readEmf } from "../../../runtime/observability/emf-reading";
import { LAMBDA_ITERATOR_AGE_METRIC } from "../../../runtime/observability/metrics/aws-services";
import { FLINK_METRICS } from "../../../runtime/observability/metrics/flink";
import {
  KINESIS_CONSUMER_METRICS,
  KINESIS_SHARD_METRICS,
  KINESIS_STREAM_METRICS,
  kinesisMetric,
} from "../../../runtime/observability/metrics/kinesis";
import {
  PROCESSING_LAG_METRICS,
  processingLagQuery,
  PRODUCER_METRICS,
  SHARD_SCALER_METRICS,
} from "../../../runtime/observability/metrics/pipeline";
import {
  alarmMetric,
  alarmQueryMetric,
  dashboardLine,
  dimensionEntries,
  insightsQuery,
  metricStat,
} from "../../../runtime/observability/metrics/reads";

describe("catalogue metrics in each reader's shape", () => {
  it("an alarm on one metric: the catalogue's statistic and period unless the alarm gives its own", () => {
    expect(alarmMetric(FLINK_METRICS.millisBehindLatest, { Application: "hotspots" })).to.deep.equal({
      namespace: "AWS/KinesisAnalytics",
      metricName: "millisBehindLatest",
      dimensions: { Application: "hotspots" },
      statistic: "Maximum",
      period: 60,
    });
    expect(alarmMetric(SHARD_SCALER_METRICS.ShardScalingFailures, { StreamName: "trips" })).to.include({
      statistic: "Sum",
      period: 300,
    });
    expect(alarmMetric(KINESIS_STREAM_METRICS.IncomingBytes, { StreamName: "trips" }, 60).period).to.equal(60);
  });

  it("a metric of alarm math, and a MetricStat: dimensions in the catalogue's order whatever the caller's", () => {
    expect(alarmQueryMetric(FLINK_METRICS.containerCPUUtilization, { Application: "hotspots" })).to.deep.equal({
      namespace: "AWS/KinesisAnalytics",
      metricName: "containerCPUUtilization",
      dimensions: { Application: "hotspots" },
      period: 60,
      stat: "Average",
    });
    expect(
      metricStat(KINESIS_SHARD_METRICS.IteratorAgeMilliseconds, { ShardId: "shardId-1", StreamName: "trips" }, 300),
    ).to.deep.equal({
      Metric: {
        Namespace: "AWS/Kinesis",
        MetricName: "IteratorAgeMilliseconds",
        Dimensions: [
          { Name: "StreamName", Value: "trips" },
          { Name: "ShardId", Value: "shardId-1" },
        ],
      },
      Period: 300,
      Stat: "Maximum",
    });
  });

  it("a dashboard line: namespace, name, each dimension and value, then the rendering if any", () => {
    expect(dashboardLine(PRODUCER_METRICS.KinesisRecordsPut, { Service: "ingest", StreamName: "trips" })).to.deep.equal(
      ["KinesisPipeline", "KinesisRecordsPut", "Service", "ingest", "StreamName", "trips"],
    );
    expect(
      dashboardLine(LAMBDA_ITERATOR_AGE_METRIC, { FunctionName: "fn" }, { id: "lag", stat: "Maximum" }),
    ).to.deep.equal(["AWS/Lambda", "IteratorAge", "FunctionName", "fn", { id: "lag", stat: "Maximum" }]);
  });

  const queries: [string, string, string][] = [
    [
      "the workers' lag, all shards",
      processingLagQuery("trips", false),
      "SELECT MAX(MillisBehindLatest) FROM KinesisPipeline WHERE Service = 'processing' AND StreamName = 'trips'",
    ],
    [
      "the workers' lag by shard",
      processingLagQuery("trips", true),
      "SELECT MAX(MillisBehindLatest) FROM KinesisPipeline WHERE Service = 'processing' AND StreamName = 'trips' GROUP BY ShardId",
    ],
    [
      "a namespace and a name with other characters than letters, digits and _ are double-quoted",
      insightsQuery(KINESIS_STREAM_METRICS.GetRecordsIteratorAgeMilliseconds, { StreamName: "trips" }),
      `SELECT MAX("GetRecords.IteratorAgeMilliseconds") FROM "AWS/Kinesis" WHERE StreamName = 'trips'`,
    ],
    [
      "a Sum is SUM, and no WHERE without a condition",
      insightsQuery(KINESIS_STREAM_METRICS.IncomingBytes, {}),
      `SELECT SUM(IncomingBytes) FROM "AWS/Kinesis"`,
    ],
  ];
  for (const [what, query, expected] of queries) {
    it(`a Metrics Insights query: ${what}`, () => expect(query).to.equal(expected));
  }

  it("refuses dimensions the metric is not published with, naming both sets", () => {
    expect(() =>
      dimensionEntries(PROCESSING_LAG_METRICS.MillisBehindLatest, { Service: "processing", StreamName: "s" }),
    ).to.throw(
      "KinesisPipeline MillisBehindLatest is published with the dimensions Service, StreamName, ShardId; got Service, StreamName",
    );
    expect(() => dimensionEntries(LAMBDA_ITERATOR_AGE_METRIC, { FunctionName: "f", Region: "x" })).to.throw(
      "AWS/Lambda IteratorAge is published with the dimensions FunctionName; got FunctionName, Region",
    );
    expect(() => insightsQuery(PROCESSING_LAG_METRICS.MillisBehindLatest, { StreamName: "it's" })).to.throw(
      `a Metrics Insights value must not contain ', got "it's"`,
    );
  });
});

describe("a Kinesis metric by name and scope", () => {
  it("the stream's, by its name", () => {
    expect(kinesisMetric("IncomingBytes")).to.equal(KINESIS_STREAM_METRICS.IncomingBytes);
  });

  it("a shard's: the stream-level name's shard-level counterpart (GetRecords.IteratorAgeMilliseconds is IteratorAgeMilliseconds)", () => {
    expect(kinesisMetric("GetRecords.IteratorAgeMilliseconds", { shardId: "s" })).to.equal(
      KINESIS_SHARD_METRICS.IteratorAgeMilliseconds,
    );
    expect(kinesisMetric("GetRecords.Bytes", { shardId: "s" }).name).to.equal("OutgoingBytes");
    expect(kinesisMetric("OutgoingBytes", { shardId: "s" }).name).to.equal("OutgoingBytes");
  });

  it("a fan-out consumer's, with its ConsumerName dimension", () => {
    expect(kinesisMetric("SubscribeToShardEvent.MillisBehindLatest", { consumerName: "processing" })).to.equal(
      KINESIS_CONSUMER_METRICS.SubscribeToShardEventMillisBehindLatest,
    );
    expect(KINESIS_CONSUMER_METRICS.SubscribeToShardEventMillisBehindLatest.dimensions).to.deep.equal([
      "StreamName",
      "ConsumerName",
    ]);
  });

  const refused: [string, string, Parameters<typeof kinesisMetric>[1], string][] = [
    ["a name Kinesis has not", "IncomingByte", {}, `metric must be a Kinesis stream metric (IncomingBytes, `],
    [
      "a consumer's metric without the consumer",
      "SubscribeToShard.Success",
      {},
      "is published per enhanced fan-out consumer: give consumerName",
    ],
    [
      "a shard-level name for the whole stream",
      "OutgoingBytes",
      {},
      "OutgoingBytes is a shard-level metric: give shardId, or read GetRecords.Bytes for the whole stream",
    ],
    [
      "a shard of a metric with no shard level",
      "PutRecords.Latency",
      { shardId: "s" },
      `metric "PutRecords.Latency" has no shard-level counterpart`,
    ],
    [
      "a consumer for a stream metric",
      "IncomingBytes",
      { consumerName: "c" },
      "consumerName narrows only a consumer's metrics",
    ],
    [
      "both a shard and a consumer",
      "IncomingBytes",
      { shardId: "s", consumerName: "c" },
      "give shardId or consumerName, not both",
    ],
  ];
  for (const [what, name, scope, message] of refused) {
    it(`refuses ${what}, saying what is allowed`, () => expect(() => kinesisMetric(name, scope)).to.throw(message));
  }
});

describe("an EMF document of catalogue metrics", () => {
  it("writes each metric with its catalogue unit, and the document's dimensions", async () => {
    const lines: string[] = [];
    await metricsDocument((l) => lines.push(l), { Service: "ingest", StreamName: "s" })
      .put(PRODUCER_METRICS.UserRecordsReceived, 5)
      .put(PRODUCER_METRICS.BufferingTimeMax, 12)
      .flush();
    const doc = JSON.parse(lines[0]);
    expect(doc._aws.CloudWatchMetrics[0].Metrics).to.deep.equal([
      { Name: "UserRecordsReceived", Unit: "Count" },
      { Name: "BufferingTimeMax", Unit: "Milliseconds" },
    ]);
    expect(readEmf(lines[0])).to.deep.include({ dimensions: { Service: "ingest", StreamName: "s" } });
  });

  it("refuses a metric the catalogue defines with other dimensions: CloudWatch would file it where nothing reads it", () => {
    const doc = metricsDocument(() => undefined, { Service: "processing", StreamName: "s" });
    expect(() => doc.put(PROCESSING_LAG_METRICS.MillisBehindLatest, 1)).to.throw(
      "KinesisPipeline MillisBehindLatest is published with the dimensions Service, StreamName, ShardId; got Service, StreamName",
    );
  });

  it("refuses a metric of another namespace (EMF writes the pipeline's)", () => {
    const doc = metricsDocument(() => undefined, { Application: "a" });
    expect(() => doc.put({ ...FLINK_METRICS.KPUs, unit: "Count" }, 1)).to.throw(
      "KPUs is a metric of AWS/KinesisAnalytics: EMF writes KinesisPipeline's",
    );
  });
});
