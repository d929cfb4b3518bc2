/**
 * The lake writer (a KCL-style worker whose record processor is the lake writer):
 * `node dist/runtime/lake/main.js`. Settings from the environment (see --help). On SIGTERM
 * it stops fetching, stores and checkpoints each shard's open segment, releases its leases
 * and exits.
 */
import pino from "pino";
import { identifyPart } from "../common/aws/call-trace";
import { createS3Client } from "../common/aws/s3-client";
import { envHelp } from "../common/env";
import { runService } from "../common/service-lifecycle";
import { stdoutSink } from "../observability/emf";
import { PIPELINE_SERVICES } from "../observability/metrics/pipeline";
import { DeadLetters } from "../processing/dead-letters";
import { connectConsumer, startConsumerApplication } from "../processing/consumer-application";
import { ConsumerMetrics } from "../processing/metrics";
import { openSchemaSource } from "../schemas/open-schema-source";
import { getHeapStatistics } from "node:v8";
import { heapBudgetBound, LAKE, LAKE_DEFAULTS } from "./contract";
import { LakeMetrics } from "./lake-metrics";
import { SchemaLookup, withColumns } from "./lake-rows";
import { lakeWriterFactory } from "./lake-writer";
import { MemoryBudget } from "./memory-budget";
import { ENDED_SHARDS_INTERVAL_MS, publishEndedShards } from "./ended-shards";
import { S3LakeStore } from "./s3-lake-store";
import { LAKE_AGE_CHECK_MS, readLakeSettings } from "./settings";

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(
      ["Usage: lake writer (settings are environment variables)", "", ...envHelp(LAKE.variables), ""].join("\n"),
    );
    return;
  }
  identifyPart(LAKE.part, LAKE.variables);
  const settings = readLakeSettings(process.env);
  const s = settings.consumer;
  const log = pino({ level: s.logLevel, base: { service: "lake", stream: s.streamName, worker: s.workerId } });
  const connection = await connectConsumer(s);
  const s3 = createS3Client({ region: s.region, endpoint: settings.s3Endpoint });
  const source = s.schemaRegistry
    ? openSchemaSource(s.schemaRegistry, s.region, LAKE_DEFAULTS.schemaMissTtlMs)
    : undefined;
  const columns = new Map<string, ReturnType<typeof withColumns>>();
  const schemas: SchemaLookup = async (id) => {
    const hit = columns.get(id);
    if (hit) return hit;
    const version = source ? await source.byId(id) : undefined;
    if (!version) return undefined;
    const withCols = withColumns(version);
    columns.set(id, withCols);
    return withCols;
  };
  // What the intake cannot hand on is logged and counted here; for the lake that is nothing:
  // corrupt aggregates are handed on as records (below) and become dead letters of their segment.
  const deadLetters = new DeadLetters((fields, msg) => log.error(fields, msg));
  // The coordinator's counters under Service=lake (never in processing's series), and the lake's own.
  const consumerMetrics = new ConsumerMetrics(stdoutSink, PIPELINE_SERVICES.lake, s.streamName, log, deadLetters);
  const lakeMetrics = new LakeMetrics(stdoutSink, s.streamName);
  consumerMetrics.start(s.metricsIntervalMs);
  lakeMetrics.start(s.metricsIntervalMs);
  // One budget for every shard this worker leases, however many it takes over.
  const budget = new MemoryBudget(settings.bufferBytes);
  const heapLimit = getHeapStatistics().heap_size_limit;
  if (settings.bufferBytes > heapBudgetBound(heapLimit)) {
    // The rows decoded from the buffered records live on V8's heap, which may be smaller than the task.
    log.warn(
      { bufferBytes: settings.bufferBytes, heapLimit },
      `LAKE_BUFFER_BYTES is more than ${heapBudgetBound(100)}% of V8's heap limit: raise that with --max-old-space-size (the stack sets it from lakeMemory)`,
    );
  }
  const store = lakeMetrics.counting(new S3LakeStore(s3, settings.bucket));
  await startConsumerApplication(s, log, connection, {
    processors: lakeWriterFactory({
      store,
      schemas,
      roll: settings.roll,
      budget,
      ageCheckMs: LAKE_AGE_CHECK_MS,
      onSegment: (w) => {
        lakeMetrics.segmentStored(w);
        log.info(
          {
            shardId: w.shardId,
            cause: w.cause,
            objects: w.written.length,
            existing: w.existing,
            rows: w.written.reduce((n, o) => n + o.rows, 0),
          },
          "segment stored",
        );
      },
      onUnstored: (shardId, arrival) => lakeMetrics.unstored(shardId, arrival),
      log: (level, msg, fields) => log[level](fields, msg),
    }),
    metrics: consumerMetrics,
    // A corrupt aggregate is one of the shard's records to the lake: a dead letter in its
    // segment, stored before the checkpoint passes it (EXACTLY-ONCE.md), never only logged.
    intake: { deadLetters, corruptAggregates: "hand-on" },
    drainMessage: "shutting down: storing open segments, releasing leases",
    afterDrain: async () => {
      // The last counts, of the segments stored at shutdown.
      await Promise.all([consumerMetrics.stop(), lakeMetrics.stop()]);
      s3.destroy();
    },
  });
  log.info(
    { retrieval: s.retrieval.mode, failoverMs: s.failoverMs, bufferBytes: settings.bufferBytes },
    "lake worker started",
  );
  // Shards that ended with no ended progress (its write failed, an older one landed over it,
  // or they ended before progress existed): the compactor would wait on them (ended-shards.ts).
  const endedShards = () =>
    connection.table
      .list()
      .then((leases) => publishEndedShards(leases, store, new Date()))
      .then((shards) => shards.length > 0 && log.info({ shards }, "published the progress of ended shards"))
      .catch((e) => log.warn({ err: String(e) }, "publishing ended shards' progress failed; retried later"));
  void endedShards();
  setInterval(() => void endedShards(), ENDED_SHARDS_INTERVAL_MS).unref();
}

runService("lake", main);
