/**
 * The baseline of the worker's throughput: a bare reader of the same stream, with the same
 * SDK client the worker builds (HTTP/1.1 against the emulator), the same shard reader under
 * its polling retrieval (runtime/stream/shard-fetcher.ts), the same GetRecords limit and the
 * same pacing (at most one call per shard every 200 ms, the Kinesis limit), every shard read
 * at once from TRIM_HORIZON. It only counts the Kinesis records it gets: no de-aggregation,
 * no processor, no leases, no checkpoints. So the worker's time over this one is what the
 * worker adds on top of reading.
 *
 * Run as a child by bench/consumer.ts and bench/lake.ts (IPC): it waits for {type: "go",
 * endpoint, streamName, expected, maxRecords, shardIds?} (shardIds: only those shards, else
 * every shard the stream lists) and answers
 * {type: "done", t0, t1, cpu0, cpu1, records, calls}; t0 is taken right before the first
 * GetShardIterator (as the worker's bench processor reports right before its first read),
 * t1 when the last expected record was counted. Plain node over the compiled runtime.
 */
import { setTimeout } from "node:timers";
import { createKinesisClient } from "../../dist/runtime/common/aws/kinesis-client.js";
import { MIN_POLL_INTERVAL_MS } from "../../dist/runtime/processing/retrieval/polling-reader.js";
import { listAllShards, ShardFetcher } from "../../dist/runtime/stream/shard-fetcher.js";

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function read({ endpoint, streamName, expected, maxRecords, shardIds }) {
  const client = createKinesisClient({ region: "us-east-1", endpoint, http: "1.1" });
  const shards = (await listAllShards(client, streamName)).filter((s) => !shardIds || shardIds.includes(s.ShardId));
  let records = 0;
  let calls = 0;
  let t1 = 0;
  let cpu1 = 0;
  const t0 = Date.now();
  const cpu0 = cpuMicros();
  const shard = async (shardId) => {
    const fetcher = new ShardFetcher(client, streamName, shardId, { type: "TRIM_HORIZON" }, { maxRecords });
    await fetcher.ensureIterator();
    let lastCallAt = 0;
    while (records < expected && !fetcher.shardEnded) {
      const wait = lastCallAt + MIN_POLL_INTERVAL_MS - Date.now();
      if (wait > 0) await sleep(wait);
      if (records >= expected) break;
      lastCallAt = Date.now();
      calls++;
      // Not `records += await ...`: that reads `records` before the wait, and the shards read at once.
      const page = await fetcher.fetch();
      records += page.records.length;
      if (records >= expected && t1 === 0) {
        t1 = Date.now();
        cpu1 = cpuMicros();
      }
    }
  };
  await Promise.all(shards.map((s) => shard(s.ShardId)));
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
