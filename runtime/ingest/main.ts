/**
 * The ingest service: `node dist/runtime/ingest/main.js` in the container, and the same
 * file under ts-node for `npm start` and the tests. Reads its settings from the
 * environment (see --help), serves the ingest API, and on SIGTERM stops taking requests,
 * writes everything it accepted, and exits within the ECS stop timeout.
 */
import pino from "pino";
import { identifyPart } from "../common/aws/call-trace";
import { createKinesisClient } from "../common/aws/kinesis-client";
import { envHelp } from "../common/env";
import { onStopSignal, runService } from "../common/service-lifecycle";
import { stdoutSink } from "../observability/emf";
import { INGEST_DEFAULTS } from "./defaults";
import { ingestApi } from "./ingest-api";
import { KinesisProducer } from "./kinesis-producer";
import { kinesisPort } from "./kinesis-port";
import { IngestMetrics } from "./metrics";
import { INGEST } from "./contract";
import { readIngestSettings } from "./settings";
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../common/repo-root";
import { openSchemaSource } from "../schemas/open-schema-source";
import { IngestSchema } from "./ingest-schema";
import { ingestTenants } from "./ingest-tenants";

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(
      ["Usage: ingest service (settings are environment variables)", "", ...envHelp(INGEST.variables), ""].join("\n"),
    );
    return;
  }
  identifyPart(INGEST.part, INGEST.variables);
  const settings = readIngestSettings(process.env);
  const log = pino({ level: settings.logLevel, base: { service: "ingest", stream: settings.streamName } });
  const client = createKinesisClient({
    region: settings.region,
    endpoint: settings.kinesisEndpoint,
    http: "1.1",
    // The producer retries with its own backoff and time to live; SDK retries would stack on top.
    maxAttempts: 1,
  });
  const producer = new KinesisProducer(kinesisPort(client, settings.streamName), settings.producer);
  await producer.start();
  const tenants = ingestTenants(settings, log, stdoutSink);
  const metrics = new IngestMetrics(producer, stdoutSink, settings.streamName, tenants?.usage);
  metrics.start(settings.metricsIntervalMs);
  let schema: IngestSchema | undefined;
  if (settings.schema) {
    const { name, registry, compression, autoRegister } = settings.schema;
    const definition = autoRegister ? readFileSync(path.join(REPO_ROOT, "schemas", `${name}.json`), "utf8") : undefined;
    schema = await IngestSchema.load(openSchemaSource(registry, settings.region), name, compression, definition);
    log.info(
      { schema: schema.label, schemaVersionId: schema.version.schemaVersionId, compression },
      "enforcing schema",
    );
  }
  const app = ingestApi({
    producer,
    metrics,
    log,
    ackMode: settings.ackMode,
    maxBodyBytes: settings.maxBodyBytes,
    schema,
    tenants,
  });
  const address = await app.listen({ port: settings.port, host: settings.host });
  log.info(
    {
      address,
      ackMode: settings.ackMode,
      aggregation: settings.producer.aggregation,
      auth: tenants ? `apiKeys (table ${settings.tenants!.table})` : "none",
    },
    "ingest listening",
  );

  onStopSignal(async (signal) => {
    log.info({ signal, pending: producer.pending }, "draining: no new requests, writing everything accepted");
    const closing = app.close();
    const { unsent } = await producer.close(INGEST_DEFAULTS.drainTimeoutMs);
    await closing;
    await metrics.stop();
    client.destroy();
    log.info({ unsent }, unsent === 0 ? "stopped, every accepted record written" : "stopped with records not written");
    process.exit(unsent === 0 ? 0 : 1);
  });
}

runService("ingest", main);
