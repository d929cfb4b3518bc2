/**
 * The lake writer's consumer settings: the variables it shares with the processing workers
 * read the same way, and what the lake fixes for exactly once (TRIM_HORIZON, checkpoints at
 * stored segments only, a failing batch retried for ever).
 */
import { expect } from "chai";
import { SettingsError } from "../../../runtime/common/env";
import { readLakeSettings } from "../../../runtime/lake/settings";
import { readConsumerSettings } from "../../../runtime/processing/settings";

const base = {
  STREAM_NAME: "orders",
  AWS_REGION: "eu-west-1",
  APPLICATION_NAME: "orders-lake",
  WORKER_ID: "lake-1",
  LAKE_BUCKET: "lake-bucket",
};
const ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/lake:1700000000";

describe("lake consumer settings", () => {
  it("defaults: polling from TRIM_HORIZON, no timed checkpoints, batches retried for ever, HTTP/2 on AWS", () => {
    expect(readLakeSettings(base).consumer).to.deep.equal({
      streamName: "orders",
      region: "eu-west-1",
      applicationName: "orders-lake",
      workerId: "lake-1",
      retrieval: { mode: "polling" },
      initialPosition: { kind: "TRIM_HORIZON" },
      failoverMs: 10_000,
      checkpointIntervalMs: 0,
      shardSyncIntervalMs: 10_000,
      pollIdleMs: 1_000,
      maxRecords: 10_000,
      processorMaxAttempts: 0,
      kinesisEndpoint: undefined,
      dynamodbEndpoint: undefined,
      kinesisHttp: "2",
      createLeaseTable: true,
      metricsIntervalMs: readConsumerSettings(base).metricsIntervalMs,
      logLevel: readConsumerSettings(base).logLevel,
      schemaRegistry: undefined,
    });
  });

  it("reads the variables it shares with the processing workers as they do", () => {
    const shared = {
      ...base,
      KINESIS_ENDPOINT: "http://127.0.0.1:4568",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      RETRIEVAL_MODE: "fanout",
      CONSUMER_ARN: ARN,
      SCHEMA_REGISTRY_NAME: "registry",
      FAILOVER_MS: "20000",
      SHARD_SYNC_INTERVAL_MS: "5000",
      POLL_IDLE_MS: "300",
      MAX_RECORDS: "500",
      CREATE_LEASE_TABLE: "false",
    };
    const processing = readConsumerSettings(shared);
    // The lake is its own processor and dead-letters into its segments: it has none of these.
    const { processorModule: _m, processedFile: _p, deadLetterFile: _d, ...alike } = processing;
    expect(readLakeSettings(shared).consumer).to.deep.equal({
      ...alike,
      initialPosition: { kind: "TRIM_HORIZON" },
      checkpointIntervalMs: 0,
      processorMaxAttempts: 0,
    });
    expect(processing).to.deep.include({ kinesisHttp: "1.1", retrieval: { mode: "fanout", consumerArn: ARN } });
  });

  const refused: [Record<string, string>, string][] = [
    [
      { ...base, RETRIEVAL_MODE: "fanout" },
      "CONSUMER_ARN must be set to a registered stream consumer ARN when RETRIEVAL_MODE is fanout",
    ],
    [
      { ...base, SCHEMA_REGISTRY_NAME: "r", SCHEMA_REGISTRY_FILE: "f" },
      "set at most one of SCHEMA_REGISTRY_NAME (Glue) and SCHEMA_REGISTRY_FILE (local)",
    ],
  ];
  for (const [env, message] of refused) {
    it(`refuses ${JSON.stringify(env).slice(0, 100)}`, () => {
      expect(() => readLakeSettings(env))
        .to.throw(SettingsError)
        .with.property("message", message);
    });
  }
});
