/**
 * The processing service (a KCL-style worker): `node dist/runtime/processing/main.js`.
 * Settings from the environment (see --help). On SIGTERM it stops fetching, finishes the
 * batch in hand, checkpoints, releases its leases for peers, and exits within 30 s.
 */
import path from "node:path";
import pino from "pino";
import { identifyPart } from "../common/aws/call-trace";
import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { createKinesisClient } from "../common/aws/kinesis-client";
import { envHelp, SettingsError } from "../common/env";
import { onStopSignal, runService } from "../common/service-lifecycle";
import { stdoutSink } from "../observability/emf";
import { PIPELINE_SERVICES } from "../observability/metrics/pipeline";
import { Coordinator } from "./coordinator";
import { LeaseTable } from "./leases/lease-table";
import loggingProcessor, { ProcessorModule } from "./logging-processor";
import { ConsumerMetrics } from "./metrics";
import { FanoutReader } from "./retrieval/fanout-reader";
import { PollingReader } from "./retrieval/polling-reader";
import { CONSUMER_DEFAULTS, PROCESSING } from "./service-contract";
import { readConsumerSettings } from "./settings";
import { DeadLetters } from "./dead-letters";
import { SchemaDecoder } from "./schema-decoder";
import { openSchemaSource } from "../schemas/open-schema-source";

function loadProcessor(modulePath: string | undefined): ProcessorModule {
  if (!modulePath) return loggingProcessor;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.resolve(modulePath));
  const factory = loaded.default ?? loaded;
  if (typeof factory !== "function") {
    throw new SettingsError(
      `PROCESSOR_MODULE=${JSON.stringify(modulePath)} does not export a processor factory function`,
    );
  }
  return factory as ProcessorModule;
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(
      ["Usage: processing worker (settings are environment variables)", "", ...envHelp(PROCESSING.variables), ""].join(
        "\n",
      ),
    );
    return;
  }
  identifyPart(PROCESSING.part, PROCESSING.variables);
  const s = readConsumerSettings(process.env);
  const log = pino({ level: s.logLevel, base: { service: "processing", stream: s.streamName, worker: s.workerId } });
  const processors = loadProcessor(s.processorModule)({
    workerId: s.workerId,
    log,
    processedFile: s.processedFile,
    checkpointIntervalMs: s.checkpointIntervalMs,
  });
  const kinesis = createKinesisClient({ region: s.region, endpoint: s.kinesisEndpoint, http: s.kinesisHttp });
  const dynamo = createDynamoDbClient({ region: s.region, endpoint: s.dynamodbEndpoint });
  const table = new LeaseTable(dynamo, s.applicationName);
  if (s.createLeaseTable) await table.ensureExists();
  const deadLetters = new DeadLetters((fields, msg) => log.error(fields, msg), s.deadLetterFile);
  const metrics = new ConsumerMetrics(stdoutSink, PIPELINE_SERVICES.processing, s.streamName, log, deadLetters);
  metrics.start(s.metricsIntervalMs);
  const retrieval = s.retrieval;
  const coordinator = new Coordinator(
    kinesis,
    table,
    (shardId, start) =>
      retrieval.mode === "fanout"
        ? new FanoutReader(kinesis, retrieval.consumerArn, shardId, start)
        : new PollingReader(kinesis, s.streamName, shardId, start, { idleMs: s.pollIdleMs, maxRecords: s.maxRecords }),
    processors,
    {
      workerId: s.workerId,
      streamName: s.streamName,
      failoverMs: s.failoverMs,
      initialPosition: s.initialPosition,
      shardSyncIntervalMs: s.shardSyncIntervalMs,
      processorMaxAttempts: s.processorMaxAttempts,
      retryBaseMs: 200,
      retryMaxMs: 10_000,
    },
    metrics,
    {
      decoder: new SchemaDecoder(
        deadLetters,
        s.schemaRegistry ? openSchemaSource(s.schemaRegistry, s.region) : undefined,
      ),
      deadLetters,
    },
  );
  // Handlers first: a SIGTERM while starting must still release what was taken.
  const started = coordinator.start();
  onStopSignal(async (signal) => {
    await started.catch(() => undefined);
    log.info(
      { signal, shards: coordinator.heldShards() },
      "shutting down: finishing batches, checkpointing, releasing leases",
    );
    await coordinator.shutdown(CONSUMER_DEFAULTS.drainTimeoutMs);
    await metrics.stop();
    kinesis.destroy();
    dynamo.destroy();
    log.info("stopped");
    process.exit(0);
  });
  await started;
  log.info({ retrieval: retrieval.mode, failoverMs: s.failoverMs }, "worker started");
}

runService("processing", main);
