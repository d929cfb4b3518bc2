/**
 * The ingest service as dist/runtime/ingest/main.js runs it (the same settings from the
 * same environment variables, the same ingestApi, KinesisProducer and EMF metrics on
 * stdout), with one difference: Kinesis is LatencyKinesis, inside this process, instead of
 * the AWS SDK. So a throughput run measures our HTTP API and producer, not an emulator.
 *
 * Plain node over the compiled runtime, as in production: under ts-node the process would
 * also load node:repl and with it node:domain, which wraps every EventEmitter emit.
 * Run as a child by bench/ingest-throughput.ts; BENCH_SHARDS and BENCH_PUT_LATENCY_MS
 * ("20-40") configure the in-memory Kinesis. BENCH_PRODUCER=stub makes the buffered path's
 * putDetached a no-op: the API and the HTTP stack alone, to split the service's cost
 * between them and the producer (a stub run stores nothing; it is never a result).
 */
import pino from "pino";
import { stdoutSink } from "../../dist/runtime/observability/emf.js";
import { INGEST_DEFAULTS } from "../../dist/runtime/ingest/defaults.js";
import { ingestApi } from "../../dist/runtime/ingest/ingest-api.js";
import { KinesisProducer } from "../../dist/runtime/ingest/kinesis-producer.js";
import { IngestMetrics } from "../../dist/runtime/ingest/metrics.js";
import { readIngestSettings } from "../../dist/runtime/ingest/settings.js";
import { ingestTenants } from "../../dist/runtime/ingest/ingest-tenants.js";
import { LatencyKinesis } from "./latency-kinesis.mjs";

const settings = readIngestSettings(process.env);
const [minMs, maxMs] = (process.env.BENCH_PUT_LATENCY_MS ?? "20-40").split("-").map(Number);
const kinesis = new LatencyKinesis(Number(process.env.BENCH_SHARDS ?? 4), minMs, maxMs ?? minMs);
const log = pino({ level: settings.logLevel, base: { service: "ingest-bench" } });
const producer = new KinesisProducer(kinesis, settings.producer);
await producer.start();
if (process.env.BENCH_PRODUCER === "stub") producer.putDetached = () => undefined;
// With INGEST_AUTH=apiKeys (bench/tenants-overhead.ts), tenants exactly as main.js builds them.
const tenants = ingestTenants(settings, log, stdoutSink);
const metrics = new IngestMetrics(producer, stdoutSink, settings.streamName, tenants?.usage);
metrics.start(settings.metricsIntervalMs);
const app = ingestApi({
  producer,
  metrics,
  log,
  ackMode: settings.ackMode,
  maxBodyBytes: settings.maxBodyBytes,
  tenants,
});
await app.listen({ port: settings.port, host: settings.host });

// As main.js does on SIGTERM: stop taking requests, write everything, print the last metrics.
process.once("SIGTERM", async () => {
  const closing = app.close();
  const { unsent } = await producer.close(INGEST_DEFAULTS.drainTimeoutMs);
  await closing;
  await metrics.stop();
  process.exit(unsent === 0 ? 0 : 1);
});
