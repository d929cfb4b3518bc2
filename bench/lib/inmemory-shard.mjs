/**
 * What the in-memory benchmarks hand a compiled ShardConsumer instead of AWS: a reader over
 * batches prepared beforehand, a lease table that answers every write at once, events that
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
