/**
 * The local shard scaler against kinesis-local, on a 2-second period: a burst reshards the
 * stream up, quiet brings it back to its base count, and GET /scaling-events tells both.
 */
import { DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { Emulator, LOCAL_REGION, startKinesis } from "../../../runtime/local/emulators";
import { pollUntil } from "../../../runtime/local/poll-until";
import { freePort } from "../../../runtime/local/ports";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { LocalShardScaler } from "../../../runtime/scaling/local-shard-scaler";

describe("local shard scaler against kinesis-local", function () {
  this.timeout(90_000);
  let kinesis: Emulator;
  let client: KinesisClient;
  let scaler: LocalShardScaler | undefined;

  before(async () => {
    kinesis = await startKinesis();
    client = createKinesisClient({ region: LOCAL_REGION, endpoint: kinesis.endpoint, http: "1.1" });
  });
  after(async () => {
    await scaler?.stop();
    client?.destroy();
    await kinesis?.stop();
  });

  const openShards = async (streamName: string) =>
    (await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary
      ?.OpenShardCount;

  it("a burst over 75% of capacity doubles the stream; quiet returns it to its base; both are events", async () => {
    const streamName = `local-scaler-${randomUUID().slice(0, 8)}`;
    await createLocalStream(client, streamName, 1);
    const lines: string[] = [];
    scaler = await LocalShardScaler.start({
      kinesis: client,
      streamName,
      baseShards: 1,
      maxShards: 4,
      port: await freePort(),
      periodMs: 2_000,
      // Bytes as AWS counts them: the burst below is over one real shard's capacity.
      capacityScale: 1,
      log: (line) => lines.push(line),
    });

    // 4 MB sent at once: twice one shard's 2 MiB per 2-second period. Should a loaded machine
    // spread it over two periods, one of them still holds at least 2 MB (over 75%) and the
    // other at most 2 MB, which is 50% of the two shards it then has: one scale-up, never two.
    const data = Buffer.alloc(50_000, 7);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: Array.from({ length: 10 }, (_, j) => ({ Data: data, PartitionKey: `k-${i}-${j}` })),
          }),
        ),
      ),
    );
    await pollUntil(async () => expect(await openShards(streamName)).to.equal(2), {
      what: "the stream to reshard to 2 shards",
      timeoutMs: 20_000,
      intervalMs: 250,
    });
    // Then nothing: usage 0 below 25%, after the scale-down cooldown (4 periods), back to 1.
    await pollUntil(async () => expect(await openShards(streamName)).to.equal(1), {
      what: "the stream to return to its base of 1 shard",
      timeoutMs: 30_000,
      intervalMs: 250,
    });

    const answer = await fetch(scaler.url);
    expect(answer.status).to.equal(200);
    const body = (await answer.json()) as { events: { from: number; to: number; reason: string }[]; minShards: number };
    expect(body.minShards).to.equal(1);
    // Newest first.
    expect(body.events.map((e) => [e.from, e.to])).to.deep.equal([
      [2, 1],
      [1, 2],
    ]);
    // Full shards (over 100%): the largest step, whatever the target's count.
    expect(body.events[1].reason).to.match(/^usage \d+\.\d% >= 75.0% \(to 50.0%: \d+ shards\)$/);
    expect(lines.some((l) => l.startsWith("shard scaler: scale-up 1 -> 2"))).to.equal(true);
    expect((await fetch(scaler.url.replace("/scaling-events", "/nope"))).status).to.equal(404);
  });
});
