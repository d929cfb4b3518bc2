import { KinesisProducer } from "../../dist/runtime/ingest/kinesis-producer.js";
import { readIngestSettings } from "../../dist/runtime/ingest/settings.js";
import { LatencyKinesis } from "./latency-kinesis.mjs";

/**
 * What the in-memory benchmarks hand a compiled ShardConsumer instead of AWS: the Kinesis
 * records the real producer makes of a workload, a reader over batches prepared beforehand, a lease table that answers every write at once, events that
 * fail the run on any log line, and a processor that only counts and checkpoints (the bare
 * read the other processors are measured against). bench/lib/inmemory-consumer.mjs and
 * bench/lib/lake-inmemory.mjs share them, so their baselines are the same code.
 */

/** A reader over prepared batches; the last one says the shard ended (the consumer then finishes). */
export function fakeReader(batches) {
  let next = 0;
  return {
    read: async () => ({ records: batches[next] ?? [], millisBehindLatest: 0, shardEnded: ++next >= batches.length }),
    close: () => undefined,
  };
}

/** A lease table that answers every write at once, as if DynamoDB took no time. */
export const instantTable = {
  renew: async (l) => ({ ...l, counter: l.counter + 1 }),
  checkpoint: async (l, checkpoint) => ({ ...l, counter: l.counter + 1, checkpoint, ownerSwitchesSinceCheckpoint: 0 }),
  release: async () => true,
};

/** A consumer that logs anything during a benchmark ran into something the figures must not hide. */
export const strictEvents = {
  log: (level, msg, fields) => {
    throw new Error(`shard consumer logged ${level}: ${msg} ${JSON.stringify(fields)}`);
  },
  processed: () => undefined,
  behind: () => undefined,
  skipped: () => undefined,
  checkpointFailed: () => undefined,
};

/** A processor that counts the records it is handed and checkpoints every batch, nothing else. */
export function countingProcessor() {
  let records = 0;
  return {
    records: () => records,
    factory: () => ({
      initialize: () => undefined,
      processRecords: async ({ records: batch, checkpointer }) => {
        records += batch.length;
        await checkpointer.checkpoint();
      },
      leaseLost: () => undefined,
      shardEnded: ({ checkpointer }) => checkpointer.checkpoint(),
      shutdownRequested: ({ checkpointer }) => checkpointer.checkpoint(),
    }),
  };
}

/** What real sequence numbers look like: 56 decimal digits. */
const SEQUENCE_PREFIX = "49654321098765432109876543210987654321098765";
/** A fixed arrival, one millisecond a record: every run partitions its records the same. */
const ARRIVAL_BASE_MS = Date.UTC(2026, 11, 7, 12, 0, 0);

/**
 * User records ({partitionKey, data}) through the real KinesisProducer with its default
 * aggregation, into a stream of `shards` held in memory: the Kinesis records per shard, in
 * order, sorted by shard id.
 */
export async function capturedKinesisRecords(records, shards) {
  const latency = new LatencyKinesis(shards, 0, 0);
  const byShard = new Map();
  let sequence = 0;
  const port = {
    shardMap: () => latency.shardMap(),
    async putRecords(entries) {
      const results = await latency.putRecords(entries);
      entries.forEach((e, i) => {
        const list = byShard.get(results[i].shardId) ?? [];
        sequence++;
        list.push({
          partitionKey: e.partitionKey,
          data: e.data,
          sequenceNumber: SEQUENCE_PREFIX + String(sequence).padStart(12, "0"),
          approximateArrivalTimestamp: new Date(ARRIVAL_BASE_MS + sequence),
        });
        byShard.set(results[i].shardId, list);
      });
      return results;
    },
  };
  // The producer's options do not depend on API keys; INGEST_AUTH=none only because its
  // default, apiKeys, would need a tenants table (TENANTS_TABLE) this run has no use for.
  const { producer: options } = readIngestSettings({
    STREAM_NAME: "bench",
    AWS_REGION: "us-east-1",
    INGEST_AUTH: "none",
  });
  const producer = new KinesisProducer(port, {
    ...options,
    // Every record is put before the first flush: room for all of them.
    pendingLimitRecords: Math.max(records.length, 1),
    pendingLimitBytes: Number.MAX_SAFE_INTEGER,
  });
  await producer.start();
  const acks = records.map((r) => producer.put(r));
  await producer.flush();
  await Promise.all(acks);
  await producer.close(1000);
  return [...byShard.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** CPU this process used so far, user and system, in microseconds. */
export const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
