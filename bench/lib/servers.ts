/**
 * The servers the throughput benchmark loads, each started as its own plain-node process
 * on a random free port: the bare baselines, the ingest service over the in-memory
 * Kinesis, and the real service process (dist/runtime/ingest/main.js) over an emulator.
 * The ingest ones get the environment the container gets; every setting not named here is
 * the service's default.
 */
import path from "node:path";
import { freePort } from "../../runtime/local/ports";
import { entrypointFile } from "../../runtime/common/contract-entry";
import { INGEST } from "../../runtime/ingest/contract";
import { contractEnvironment } from "../../runtime/common/contract";
import { ServerChild, startServerChild } from "./children";

export type AckMode = "buffered" | "durable";

/** The service's environment, built from its contract as the stack builds the container's. */
/** Keys on: the tenants table to authenticate against (in the DynamoDB emulator). */
export interface BenchTenants {
  table: string;
  dynamodbEndpoint: string;
  /** AUTH_CACHE_TTL_MS; unset: the service's default. */
  cacheTtlMs?: number;
}

function serviceEnv(
  ackMode: AckMode,
  port: number,
  kinesis?: { endpoint: string; streamName: string },
  tenants?: BenchTenants,
) {
  return contractEnvironment(INGEST, {
    STREAM_NAME: kinesis?.streamName ?? "bench",
    AWS_REGION: "us-east-1",
    KINESIS_ENDPOINT: kinesis?.endpoint,
    PORT: port,
    HOST: "127.0.0.1",
    ACK_MODE: ackMode,
    LOG_LEVEL: "warn",
    // One EMF document, at shutdown: no periodic output competing for the CPU mid-run.
    METRICS_INTERVAL_MS: 3_600_000,
    // Without tenants unless a bench turns them on (bench/tenants-overhead.ts compares both).
    ...(tenants
      ? {
          INGEST_AUTH: "apiKeys",
          TENANTS_TABLE: tenants.table,
          DYNAMODB_ENDPOINT: tenants.dynamodbEndpoint,
          AUTH_CACHE_TTL_MS: tenants.cacheTtlMs,
          // Limits far above any rate here: their buckets are run on every request, never refuse.
          TENANT_RECORDS_PER_SECOND: 10_000_000,
          TENANT_BYTES_PER_SECOND: 10 * 1024 ** 3,
        }
      : { INGEST_AUTH: "none" }),
  }).variables;
}

export async function startBare(kind: "http" | "fastify"): Promise<ServerChild> {
  const port = await freePort();
  return startServerChild({
    name: kind === "http" ? "bare node:http" : "bare fastify",
    script: path.join(__dirname, "bare-server.mjs"),
    port,
    env: { PORT: String(port), BENCH_BARE: kind },
    readyPath: "/healthcheck",
  });
}

/** ingestApi + KinesisProducer over LatencyKinesis (PutRecords in `latencyMs`), in one process. */
export async function startInMemoryService(
  ackMode: AckMode,
  shards: number,
  latencyMs: [number, number],
  producer: "real" | "stub" = "real",
  tenants?: BenchTenants,
): Promise<ServerChild> {
  const port = await freePort();
  return startServerChild({
    name: `ingest (${ackMode}${producer === "stub" ? ", producer stubbed" : ""}${tenants ? ", keys on" : ""}), in-memory Kinesis`,
    script: path.join(__dirname, "ingest-server.mjs"),
    port,
    env: {
      ...serviceEnv(ackMode, port, undefined, tenants),
      BENCH_SHARDS: String(shards),
      BENCH_PUT_LATENCY_MS: latencyMs.join("-"),
      BENCH_PRODUCER: producer,
    },
    readyPath: "/healthcheck",
  });
}

/** The service exactly as the container runs it, writing to `kinesisEndpoint`. */
export async function startRealService(
  ackMode: AckMode,
  kinesisEndpoint: string,
  streamName: string,
): Promise<ServerChild> {
  const port = await freePort();
  return startServerChild({
    name: `ingest (${ackMode}), real service process`,
    script: path.resolve(__dirname, "..", "..", entrypointFile(INGEST)),
    port,
    env: serviceEnv(ackMode, port, { endpoint: kinesisEndpoint, streamName }),
    readyPath: "/healthcheck",
  });
}
