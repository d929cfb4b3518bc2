import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { StreamStorage } from "../../../infra/stream/stream-storage";
import { MOCK_ACCOUNT } from "../../../infra/plan/mocks";
import { run, runPipeline, statementsOf } from "../../harness/pulumi";
import { actionsOn } from "../../../runtime/common/contract";
import { INGEST } from "../../../runtime/ingest/contract";
import { PROCESSING } from "../../../runtime/processing/service-contract";

const STREAM = "aws:kinesis/stream:Stream";
const KEY = "aws:kms/key:Key";
const USER_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("StreamStorage", () => {
  describe("with default config", () => {
    let result: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      result = await runPipeline();
    });

    it("encrypts the stream with a customer-managed key that rotates", () => {
      const key = result.recorded.one(KEY, "stream-key");
      expect(key.inputs.enableKeyRotation).to.equal(true);
      expect(key.inputs.deletionWindowInDays).to.equal(30);
      const stream = result.recorded.one(STREAM, "stream");
      expect(stream.inputs.encryptionType).to.equal("KMS");
      expect(stream.inputs.kmsKeyId).to.equal(key.state.arn);
    });

    it("is a 4-shard provisioned stream keeping records 24 hours", () => {
      const stream = result.recorded.one(STREAM, "stream");
      expect(stream.inputs.streamModeDetails).to.deep.equal({ streamMode: "PROVISIONED" });
      expect(stream.inputs.shardCount).to.equal(4);
      expect(stream.inputs.retentionPeriod).to.equal(24);
    });

    it("turns on every shard-level metric the scalers and dashboard read", () => {
      expect(result.recorded.one(STREAM, "stream").inputs.shardLevelMetrics).to.have.members([
        "IncomingBytes",
        "IncomingRecords",
        "OutgoingBytes",
        "OutgoingRecords",
        "IteratorAgeMilliseconds",
        "WriteProvisionedThroughputExceeded",
        "ReadProvisionedThroughputExceeded",
      ]);
    });

    it("lets `pulumi destroy` remove a stream that still has registered consumers", () => {
      expect(result.recorded.one(STREAM, "stream").inputs.enforceConsumerDeletion).to.equal(true);
    });

    it("puts the stream and its key inside the component and exports name, ARN and key ARN", () => {
      const stream = result.recorded.one(STREAM, "stream");
      expect(stream.parentType).to.equal("kinesis-pipeline:stream:StreamStorage");
      expect(result.recorded.one(KEY, "stream-key").parentType).to.equal("kinesis-pipeline:stream:StreamStorage");
      expect(result.outputs).to.deep.include({
        streamName: stream.state.name,
        streamArn: `arn:aws:kinesis:us-east-1:${MOCK_ACCOUNT}:stream/${stream.state.name}`,
        streamKeyArn: result.recorded.one(KEY, "stream-key").state.arn,
      });
    });
  });

  it("creates an on-demand stream without a shard count", async () => {
    const { recorded } = await runPipeline({ streamMode: "ON_DEMAND" });
    const stream = recorded.one(STREAM, "stream");
    expect(stream.inputs.streamModeDetails).to.deep.equal({ streamMode: "ON_DEMAND" });
    expect(stream.inputs).not.to.have.property("shardCount");
  });

  it("takes shard count and retention from config", async () => {
    const { recorded } = await runPipeline({ shardCount: "12", retentionHours: "168" });
    expect(recorded.one(STREAM, "stream").inputs).to.include({ shardCount: 12, retentionPeriod: 168 });
  });

  it("uses a configured key and creates none", async () => {
    const { recorded, outputs } = await runPipeline({ kmsKeyArn: USER_KEY });
    // The stream's component creates no key (the topics have their own: encrypted-topics.test.ts).
    const ofStream = (type: string) =>
      recorded.all(type).filter((r) => r.parentType === "kinesis-pipeline:stream:StreamStorage");
    expect(ofStream(KEY)).to.have.lengthOf(0);
    expect(ofStream("aws:kms/alias:Alias")).to.have.lengthOf(0);
    expect(recorded.one(STREAM, "stream").inputs.kmsKeyId).to.equal(USER_KEY);
    expect(outputs.streamKeyArn).to.equal(USER_KEY);
  });

  it("tags the stream and the key", async () => {
    const { recorded } = await runPipeline({ tags: '{"team":"data"}' });
    expect(recorded.one(STREAM, "stream").inputs.tags).to.deep.equal({ team: "data" });
    expect(recorded.one(KEY, "stream-key").inputs.tags).to.deep.equal({ team: "data" });
  });

  it("refuses a shard count with ON_DEMAND even when built directly", () => {
    expect(() => new StreamStorage("s", { mode: "ON_DEMAND", shardCount: 2, retentionHours: 24 })).to.throw(
      "shardCount must not be set when streamMode is ON_DEMAND",
    );
  });

  describe("grants", () => {
    async function granted(kmsKeyArn?: string) {
      return run(() => {
        const stream = new StreamStorage("stream", {
          mode: "PROVISIONED",
          shardCount: 2,
          retentionHours: 24,
          kmsKeyArn,
        });
        const producer = new aws.iam.Role("producer", { assumeRolePolicy: "{}" });
        const consumer = new aws.iam.Role("consumer", { assumeRolePolicy: "{}" });
        // What ingest calls on the stream, and a polling worker.
        stream.grantWrite(producer, "producer", actionsOn(INGEST, "stream", {}));
        stream.grantRead(consumer, "consumer", actionsOn(PROCESSING, "stream", { RETRIEVAL_MODE: "polling" }));
        return { streamArn: stream.arn, keyArn: stream.keyArn, producer: producer.name, consumer: consumer.name };
      });
    }

    it("grantWrite gives exactly the producer's actions on exactly this stream and its key", async () => {
      const { recorded, outputs } = await granted();
      const policy = recorded.one("aws:iam/rolePolicy:RolePolicy", "stream-write-producer");
      expect(policy.inputs.role).to.equal(outputs.producer);
      expect(statementsOf(policy)).to.deep.equal([
        {
          Sid: "StreamWrite",
          Effect: "Allow",
          Action: ["kinesis:PutRecords", "kinesis:ListShards"],
          Resource: [outputs.streamArn],
        },
        {
          Sid: "StreamKeyWrite",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey"],
          Resource: [outputs.keyArn],
          Condition: { StringEquals: { "kms:EncryptionContext:aws:kinesis:arn": outputs.streamArn } },
        },
      ]);
    });

    it("grantRead gives exactly the polling consumer's actions and kms:Decrypt", async () => {
      const { recorded, outputs } = await granted();
      const policy = recorded.one("aws:iam/rolePolicy:RolePolicy", "stream-read-consumer");
      expect(policy.inputs.role).to.equal(outputs.consumer);
      expect(statementsOf(policy)).to.deep.equal([
        {
          Sid: "StreamRead",
          Effect: "Allow",
          Action: ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
          Resource: [outputs.streamArn],
        },
        {
          Sid: "StreamKeyRead",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: [outputs.keyArn],
          Condition: { StringEquals: { "kms:EncryptionContext:aws:kinesis:arn": outputs.streamArn } },
        },
      ]);
    });

    it("grants on the configured key when one is given", async () => {
      const { recorded } = await granted(USER_KEY);
      const policy = recorded.one("aws:iam/rolePolicy:RolePolicy", "stream-write-producer");
      expect(statementsOf(policy)[1].Resource).to.deep.equal([USER_KEY]);
    });

    it("grants nothing else: no wildcard action or resource anywhere", async () => {
      const { recorded } = await granted();
      for (const policy of recorded.all("aws:iam/rolePolicy:RolePolicy")) {
        for (const s of statementsOf(policy)) {
          expect(s.Action.join(" ")).not.to.contain("*");
          expect(s.Resource.join(" ")).not.to.contain("*");
        }
      }
    });
  });

  describe("metric()", () => {
    async function metricOf(name: string, opts?: Parameters<StreamStorage["metric"]>[1]) {
      const { outputs } = await run(() => {
        const stream = new StreamStorage("stream", { mode: "ON_DEMAND", retentionHours: 24 });
        return { metric: stream.metric(name, opts), streamName: stream.name };
      });
      return outputs;
    }

    it("sums byte counts over 5 minutes for this stream", async () => {
      const { metric, streamName } = await metricOf("IncomingBytes");
      expect(metric).to.deep.equal({
        namespace: "AWS/Kinesis",
        metricName: "IncomingBytes",
        dimensions: { StreamName: streamName },
        statistic: "Sum",
        period: 300,
      });
    });

    it("takes the maximum of iterator age, and narrows to a shard when asked", async () => {
      const { metric, streamName } = await metricOf("GetRecords.IteratorAgeMilliseconds", {
        periodSeconds: 60,
        shardId: "shardId-000000000001",
      });
      expect(metric).to.include({ statistic: "Maximum", period: 60 });
      expect(metric.dimensions).to.deep.equal({ StreamName: streamName, ShardId: "shardId-000000000001" });
    });

    it("reads a shard by the shard-level metric's own name: GetRecords.IteratorAgeMilliseconds is IteratorAgeMilliseconds per shard", async () => {
      const { metric, streamName } = await metricOf("GetRecords.IteratorAgeMilliseconds", {
        shardId: "shardId-000000000001",
      });
      expect(metric).to.deep.equal({
        namespace: "AWS/Kinesis",
        metricName: "IteratorAgeMilliseconds",
        dimensions: { StreamName: streamName, ShardId: "shardId-000000000001" },
        statistic: "Maximum",
        period: 300,
      });
    });

    it("reads a fan-out consumer's metric with its ConsumerName, as Kinesis publishes it", async () => {
      const { metric, streamName } = await metricOf("SubscribeToShardEvent.MillisBehindLatest", {
        consumerName: "processing",
      });
      expect(metric).to.deep.include({
        metricName: "SubscribeToShardEvent.MillisBehindLatest",
        dimensions: { StreamName: streamName, ConsumerName: "processing" },
        statistic: "Maximum",
      });
    });

    it("refuses a metric Kinesis does not publish at the scope asked for, saying which one it does", async () => {
      let error: Error | undefined;
      try {
        await metricOf("OutgoingBytes");
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.equal(
        "OutgoingBytes is a shard-level metric: give shardId, or read GetRecords.Bytes for the whole stream",
      );
      error = undefined;
      try {
        await metricOf("SubscribeToShardEvent.MillisBehindLatest");
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.equal(
        "SubscribeToShardEvent.MillisBehindLatest is published per enhanced fan-out consumer: give consumerName",
      );
    });

    it("refuses an unknown metric name and a bad period, saying what is allowed", async () => {
      let error: Error | undefined;
      try {
        await metricOf("IncomingByte");
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(
        /^metric must be a Kinesis stream metric \(IncomingBytes, .*\), got "IncomingByte"$/,
      );
      error = undefined;
      try {
        await metricOf("IncomingBytes", { periodSeconds: 90 });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.equal("periodSeconds must be a positive multiple of 60, got 90");
    });
  });
});
