/**
 * The processing service (a KCL-style worker): `node dist/runtime/processing/main.js`.
 * Settings from the environment (see --help). On SIGTERM it stops fetching, finishes the
 * batch in hand, checkpoints, releases its leases for peers, and exits within 30 s.
 */
import path from "node:path";
import pino from "pino";
import { identifyPart } from "../common/aws/call-trace";
import { envHelp, SettingsError } from "../common/env";
import { runService } from "../common/service-lifecycle";
import { stdoutSink } from "../observability/emf";
import { PIPELINE_SERVICES } from "../observability/metrics/pipeline";
import loggingProcessor, { ProcessorModule } from "./logging-processor";
import { ConsumerMetrics } from "./metrics";
import { connectConsumer, startConsumerApplication } from "./consumer-application";
import { PROCESSING } from "./service-contract";
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
  const connection = await connectConsumer(s);
  const deadLetters = new DeadLetters((fields, msg) => log.error(fields, msg), s.deadLetterFile);
  const metrics = new ConsumerMetrics(stdoutSink, PIPELINE_SERVICES.processing, s.streamName, log, deadLetters);
  metrics.start(s.metricsIntervalMs);
  await startConsumerApplication(s, log, connection, {
    processors,
    metrics,
    intake: {
      decoder: new SchemaDecoder(
        deadLetters,
        s.schemaRegistry ? openSchemaSource(s.schemaRegistry, s.region) : undefined,
      ),
      deadLetters,
    },
    drainMessage: "shutting down: finishing batches, checkpointing, releasing leases",
    afterDrain: () => metrics.stop(),
  });
  log.info({ retrieval: s.retrieval.mode, failoverMs: s.failoverMs }, "worker started");
}

runService("processing", main);
