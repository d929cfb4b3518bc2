import { CreateTableCommand, PutItemCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { expect } from "chai";

import { createDynamoDbClient } from "../../../runtime/common/aws/dynamodb-client";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { LOCAL_REGION, LocalEmulators, startEmulators } from "../../../runtime/local/emulators";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { isRunning } from "../../harness/process-checks";

describe("local emulators (kinesis-local and dynalite)", function () {
  this.timeout(60_000);
  let emulators: LocalEmulators | undefined;
  let kinesis: KinesisClient | undefined;

  before(async () => {
    emulators = await startEmulators();
    kinesis = createKinesisClient({ region: LOCAL_REGION, endpoint: emulators.kinesis.endpoint, http: "1.1" });
  });

  after(async () => {
    kinesis?.destroy();
    if (emulators === undefined) return;
    await Promise.all([emulators.kinesis.stop(), emulators.dynamodb.stop()]);
    // stop() resolves once the process has exited and been reaped: nothing may be left.
    expect(isRunning(emulators.kinesis.pid), "kinesis pid still running").to.equal(false);
    expect(isRunning(emulators.dynamodb.pid), "dynamodb pid still running").to.equal(false);
  });

  it("serves on random free ports of 127.0.0.1, one process each", () => {
    const { kinesis: k, dynamodb: d } = emulators!;
    expect(k.endpoint).to.equal(`http://127.0.0.1:${k.port}`);
    expect(d.endpoint).to.equal(`http://127.0.0.1:${d.port}`);
    expect(k.port).to.not.equal(d.port);
    expect(isRunning(k.pid) && isRunning(d.pid)).to.equal(true);
  });

  it("Kinesis: every record put into a 2-shard stream comes back from some shard", async () => {
    const client = kinesis!;
    const stream = await createLocalStream(client, "emulator-test", 2);
    expect(stream.shardCount).to.equal(2);
    expect(stream.streamArn).to.match(/^arn:aws:kinesis:us-east-1:\d{12}:stream\/emulator-test$/);
    // Creating it again is a no-op, not an error.
    expect((await createLocalStream(client, "emulator-test", 2)).streamArn).to.equal(stream.streamArn);

    const sent = Array.from({ length: 40 }, (_, i) => ({ key: `device-${i}`, data: `reading ${i}` }));
    const put = await client.send(
      new PutRecordsCommand({
        StreamName: stream.streamName,
        Records: sent.map(({ key, data }) => ({ PartitionKey: key, Data: Buffer.from(data) })),
      }),
    );
    expect(put.FailedRecordCount).to.equal(0);

    const { Shards: shards = [] } = await client.send(new ListShardsCommand({ StreamName: stream.streamName }));
    expect(shards).to.have.length(2);
    const received: { key: string; data: string; shard: string }[] = [];
    for (const shard of shards) {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: stream.streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      );
      const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }));
      for (const record of Records) {
        received.push({ key: record.PartitionKey!, data: Buffer.from(record.Data!).toString(), shard: shard.ShardId! });
      }
    }
    expect(received.map(({ key, data }) => ({ key, data })).sort((a, b) => a.key.localeCompare(b.key))).to.deep.equal(
      [...sent].sort((a, b) => a.key.localeCompare(b.key)),
    );
    // 40 keys hash onto both shards; if not, the stream was not really split in two.
    expect(new Set(received.map((record) => record.shard)).size).to.equal(2);
  });

  it("DynamoDB: a conditional put succeeds once and then fails with ConditionalCheckFailedException", async () => {
    const client = createDynamoDbClient({ region: LOCAL_REGION, endpoint: emulators!.dynamodb.endpoint });
    try {
      await client.send(
        new CreateTableCommand({
          TableName: "checkpoints",
          AttributeDefinitions: [{ AttributeName: "shardId", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "shardId", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      await waitUntilTableExists({ client, maxWaitTime: 20, minDelay: 1 }, { TableName: "checkpoints" });
      const claim = () =>
        client.send(
          new PutItemCommand({
            TableName: "checkpoints",
            Item: { shardId: { S: "shardId-000000000000" }, owner: { S: "worker-1" } },
            ConditionExpression: "attribute_not_exists(shardId)",
          }),
        );
      await claim();
      let failure: unknown;
      await claim().catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(Error).with.property("name", "ConditionalCheckFailedException");
    } finally {
      client.destroy();
    }
  });
});
