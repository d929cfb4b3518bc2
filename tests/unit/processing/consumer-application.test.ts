/**
 * A consumer application's start-up, shared by the processing workers and the lake writer:
 * the Coordinator's options from the settings, and the reader each retrieval mode gives a shard.
 */
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { readLakeSettings } from "../../../runtime/lake/settings";
import { coordinatorOptions, shardReaders } from "../../../runtime/processing/consumer-application";
import { TRIM_HORIZON } from "../../../runtime/processing/leases/lease";
import { FanoutReader } from "../../../runtime/processing/retrieval/fanout-reader";
import { PollingReader } from "../../../runtime/processing/retrieval/polling-reader";
import { readConsumerSettings } from "../../../runtime/processing/settings";

const REQUIRED = { STREAM_NAME: "orders", AWS_REGION: "eu-west-1", APPLICATION_NAME: "orders-app", WORKER_ID: "w-1" };
const ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/p:1700000000";

describe("consumer application start-up", () => {
  const options: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      "processing workers: their environment's position and attempts",
      coordinatorOptions(
        readConsumerSettings({
          ...REQUIRED,
          INITIAL_POSITION: "LATEST",
          PROCESSOR_MAX_ATTEMPTS: "3",
          FAILOVER_MS: "20000",
        }),
      ) as unknown as Record<string, unknown>,
      {
        workerId: "w-1",
        streamName: "orders",
        failoverMs: 20_000,
        initialPosition: { kind: "LATEST" },
        shardSyncIntervalMs: 10_000,
        processorMaxAttempts: 3,
        retryBaseMs: 200,
        retryMaxMs: 10_000,
      },
    ],
    [
      "lake writer: TRIM_HORIZON and a batch retried for ever",
      coordinatorOptions(
        readLakeSettings({ ...REQUIRED, LAKE_BUCKET: "lake-bucket", SHARD_SYNC_INTERVAL_MS: "5000" }).consumer,
      ) as unknown as Record<string, unknown>,
      {
        workerId: "w-1",
        streamName: "orders",
        failoverMs: 10_000,
        initialPosition: TRIM_HORIZON,
        shardSyncIntervalMs: 5_000,
        processorMaxAttempts: 0,
        retryBaseMs: 200,
        retryMaxMs: 10_000,
      },
    ],
  ];
  for (const [name, actual, expected] of options) {
    it(`Coordinator options, ${name}`, () => expect(actual).to.deep.equal(expected));
  }

  const kinesis = new KinesisClient({ region: "eu-west-1" });
  after(() => kinesis.destroy());

  it("polling: a GetRecords reader of the shard, with the settings' idle wait and batch size", () => {
    const reader = shardReaders(kinesis, readConsumerSettings({ ...REQUIRED, POLL_IDLE_MS: "300", MAX_RECORDS: "50" }))(
      "shardId-000000000001",
      TRIM_HORIZON,
    );
    expect(reader).to.be.instanceOf(PollingReader);
    expect(reader).to.deep.include({
      streamName: "orders",
      shardId: "shardId-000000000001",
      options: { idleMs: 300, maxRecords: 50 },
    });
  });

  it("fanout: a SubscribeToShard reader through the registered consumer", () => {
    const settings = readConsumerSettings({ ...REQUIRED, RETRIEVAL_MODE: "fanout", CONSUMER_ARN: ARN });
    const reader = shardReaders(kinesis, settings)("shardId-000000000002", TRIM_HORIZON);
    expect(reader).to.be.instanceOf(FanoutReader);
    expect(reader).to.deep.include({ consumerArn: ARN, shardId: "shardId-000000000002" });
  });
});
