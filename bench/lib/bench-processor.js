"use strict";
// The record processor of the consumer benchmark (PROCESSOR_MODULE): it reports to the
// benchmark, over the worker's IPC channel, when each shard starts (initialize: the shard
// consumer's first read comes right after) and each batch it is handed: how many records,
// when processRecords was entered and returned, and the worker's own CPU time then
// (process.cpuUsage, microseconds). What it does with the records:
//
// - BENCH_INNER=count: nothing, and it checkpoints as the default processor does (when
//   CHECKPOINT_INTERVAL_MS has passed since the last checkpoint, at shard end and at
//   shutdown): the worker's own cost alone (de-aggregation, dispatch, checkpoints).
// - BENCH_INNER=logging: the worker's own default processor, the logging processor of the
//   very build that loads this module (a log line per record at info, PROCESSED_FILE).
//
// BENCH_IDS=1 also sends, per batch, the "id" of each record (its data is JSON with an id),
// for latency (the time processRecords was entered, per record) and repeats after failover.
//
// Plain CommonJS because the compiled worker loads it with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const path = require("node:path");

const inner = process.env.BENCH_INNER || "count";
const withIds = process.env.BENCH_IDS === "1";
const logging =
  inner === "logging"
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(path.dirname(require.main.filename), "logging-processor.js")).default
    : undefined;

function report(message) {
  if (process.send && process.connected) process.send(message);
}

function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** The default processor's checkpoint policy, without the log lines and the file. */
function countingProcessors(context) {
  return () => {
    let lastCheckpoint = Date.now();
    return {
      initialize: () => undefined,
      processRecords: async ({ checkpointer }) => {
        if (Date.now() - lastCheckpoint >= context.checkpointIntervalMs) {
          await checkpointer.checkpoint();
          lastCheckpoint = Date.now();
        }
      },
      leaseLost: () => undefined,
      shardEnded: ({ checkpointer }) => checkpointer.checkpoint(),
      shutdownRequested: ({ checkpointer }) => checkpointer.checkpoint(),
    };
  };
}

function benchProcessor(context) {
  const processors = logging ? logging(context) : countingProcessors(context);
  const worker = context.workerId;
  return (shardId) => {
    const wrapped = processors(shardId);
    return {
      ...wrapped,
      initialize: async (input) => {
        report({ type: "init", worker, shardId, t: Date.now(), cpu: cpuMicros() });
        await wrapped.initialize(input);
      },
      processRecords: async (input) => {
        const t0 = Date.now();
        const ids = withIds ? input.records.map((r) => JSON.parse(r.data.toString("utf8")).id) : undefined;
        await wrapped.processRecords(input);
        report({ type: "batch", worker, shardId, n: input.records.length, t0, t1: Date.now(), cpu: cpuMicros(), ids });
      },
      leaseLost: async (input) => {
        report({ type: "leaseLost", worker, shardId, t: Date.now() });
        await wrapped.leaseLost(input);
      },
    };
  };
}

module.exports = { default: benchProcessor };
