/**
 * The ingest service as part of the local stack: the compiled entry point the container
 * runs (the ingest contract's), as a guarded child writing to the local stream, ready once
 * GET /healthcheck answers.
 */
import { contractEnvironment } from "../common/contract";
import { REPO_ROOT } from "../common/repo-root";
import { compiledEntrypoint } from "../common/services";
import { INGEST } from "../ingest/contract";
import { LOCAL_REGION } from "./emulators";
import { answersOk, waitUntilReady } from "./child-ready";
import { GuardedChild, spawnGuarded } from "./guarded-child";
import { LOCAL_METRICS_INTERVAL_MS } from "./local-metrics";

export interface IngestChild extends GuardedChild {
  url: string;
}

export interface IngestChildOptions {
  port: number;
  kinesisEndpoint: string;
  streamName: string;
  /** A schema to enforce, from the local registry file. */
  schema?: { name: string; registryFile: string };
  /** Tenants' keys required (INGEST_AUTH=apiKeys), checked against this table; unset: none. */
  tenants?: { table: string; dynamodbEndpoint: string; cacheTtlMs: number };
  /** Aborting (Ctrl-C during start) stops the half-started service and throws. */
  signal?: AbortSignal;
  readyTimeoutMs?: number;
}

/** Its drain takes milliseconds against the emulator; the bound is for a stuck one. */
const STOP_GRACE_MS = 5_000;
const READY_TIMEOUT_MS = 20_000;

export async function startIngest(options: IngestChildOptions): Promise<IngestChild> {
  const script = compiledEntrypoint(INGEST);
  const child = spawnGuarded({
    name: "ingest",
    script,
    cwd: REPO_ROOT,
    // Its own settings and PATH only, as on Fargate: a developer's shell may set PORT,
    // LOG_LEVEL or AWS_* for other reasons, and NODE_OPTIONS could preload ts-node.
    env: {
      PATH: process.env.PATH,
      ...contractEnvironment(INGEST, {
        STREAM_NAME: options.streamName,
        AWS_REGION: LOCAL_REGION,
        KINESIS_ENDPOINT: options.kinesisEndpoint,
        PORT: options.port,
        HOST: "127.0.0.1",
        // info with tenants: their usage lines, one per tenant per interval, feed the page's tenants panel.
        LOG_LEVEL: options.tenants ? "info" : "warn",
        // Often enough for the live page's charts (the default is a minute, as on AWS).
        METRICS_INTERVAL_MS: LOCAL_METRICS_INTERVAL_MS,
        ...(options.schema
          ? { SCHEMA_NAME: options.schema.name, SCHEMA_REGISTRY_FILE: options.schema.registryFile }
          : {}),
        ...(options.tenants
          ? {
              INGEST_AUTH: "apiKeys",
              TENANTS_TABLE: options.tenants.table,
              DYNAMODB_ENDPOINT: options.tenants.dynamodbEndpoint,
              AUTH_CACHE_TTL_MS: options.tenants.cacheTtlMs,
            }
          : { INGEST_AUTH: "none" }),
      }).variables,
    },
    stopGraceMs: STOP_GRACE_MS,
  });
  const ingest: IngestChild = { ...child, url: `http://127.0.0.1:${options.port}` };
  await waitUntilReady(child, (signal) => answersOk(`${ingest.url}/healthcheck`, signal), {
    what: `the ingest service (pid ${child.pid}) to answer GET /healthcheck at ${ingest.url}`,
    timeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
    signal: options.signal,
  });
  return ingest;
}
