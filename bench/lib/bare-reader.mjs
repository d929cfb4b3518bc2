/**
 * The baseline of the worker's throughput: a bare reader of the same stream, with the same
 * SDK client the worker builds (HTTP/1.1 against the emulator), the same GetRecords limit
 * and the same pacing (at most one call per shard every 200 ms, the Kinesis limit), every
 * shard read at once from TRIM_HORIZON. It only counts the Kinesis records it gets: no
 * de-aggregation, no processor, no leases, no checkpoints. So the worker's time over this
 * one is what the worker adds on top of reading.
 *
 * Run as a child by bench/consumer.ts (IPC): it waits for {type: "go", ...} and answers
 * {type: "done", t0, t1, cpu0, cpu1, records, calls}; t0 is taken right before the first
 * GetShardIterator (as the worker's bench processor reports right before its first read),
 * t1 when the last expected record was counted. Plain node over the compiled runtime.
 */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from "@aws-sdk/client-kinesis";
import { setTimeout } from "node:timers";
import { createKinesisClient } from "../../dist/runtime/common/aws/kinesis-client.js";

const MIN_POLL_INTERVAL_MS = 200;

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function read({ endpoint, streamName, expected, maxRecords }) {
  const client = createKinesisClient({ region: "us-east-1", endpoint, http: "1.1" });
  const { Shards } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  let records = 0;
  let calls = 0;
  let t1 = 0;
  let cpu1 = 0;
  const t0 = Date.now();
  const cpu0 = cpuMicros();
  const shard = async (shardId) => {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
    );
    let iterator = ShardIterator;
    let lastCallAt = 0;
    while (records < expected && iterator) {
      const wait = lastCallAt + MIN_POLL_INTERVAL_MS - Date.now();
      if (wait > 0) await sleep(wait);
      if (records >= expected) break;
      lastCallAt = Date.now();
      calls++;
      const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: maxRecords }));
      records += out.Records?.length ?? 0;
      iterator = out.NextShardIterator;
      if (records >= expected && t1 === 0) {
        t1 = Date.now();
        cpu1 = cpuMicros();
      }
    }
  };
  await Promise.all(Shards.map((s) => shard(s.ShardId)));
  client.destroy();
  return { type: "done", t0, t1, cpu0, cpu1, records, calls };
}

process.on("message", (message) => {
  if (message.type !== "go") return;
  read(message).then(
    (result) => process.send(result),
    (error) => process.send({ type: "error", error: String(error?.stack ?? error) }),
  );
});
process.send({ type: "ready" });
