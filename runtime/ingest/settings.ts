/**
 * The ingest service's settings: the environment variables of its contract (contract.ts),
 * validated at start. The infra component builds them for the container from the contract;
 * `npm start` builds them the same way for the local service.
 */
import { EnvValues, readEnv, SettingsError } from "../common/env";
import { Compression } from "../schemas/wire-format";
import { INGEST_DEFAULTS, KPL_DEFAULTS } from "./defaults";
import { INGEST_VARIABLES } from "./contract";
import { ProducerOptions } from "./kinesis-producer";
import { AckMode } from "./ingest-api";
import { ClientAddressSource } from "./client-address";
import { TENANT_DEFAULTS } from "../tenants/defaults";

export type IngestEnv = EnvValues<typeof INGEST_VARIABLES>;

export interface IngestSettings {
  streamName: string;
  region: string;
  port: number;
  host: string;
  kinesisEndpoint?: string;
  ackMode: AckMode;
  maxBodyBytes: number;
  metricsIntervalMs: number;
  logLevel: string;
  producer: ProducerOptions;
  schema?: {
    name: string;
    registry: { kind: "glue"; registryName: string } | { kind: "file"; file: string };
    compression: Compression;
    autoRegister: boolean;
  };
  /** Set with INGEST_AUTH=apiKeys: every POST needs a tenant's key. */
  tenants?: {
    table: string;
    dynamoDbEndpoint?: string;
    cacheTtlMs: number;
    cacheMaxEntries: number;
    failureBurst: number;
    failuresPerSecond: number;
    failureAddresses: number;
    clientAddress: ClientAddressSource;
    recordsPerSecond: number;
    bytesPerSecond: number;
    metricsFor: string[];
  };
}

/** Reads and checks every variable; throws one SettingsError listing all that are wrong. */
export function readIngestSettings(env: Readonly<Record<string, string | undefined>>): IngestSettings {
  const v = readEnv(INGEST_VARIABLES, env, (values) =>
    values.INGEST_AUTH === "apiKeys" && !values.TENANTS_TABLE
      ? ["INGEST_AUTH=apiKeys needs TENANTS_TABLE (the tenants table's name); INGEST_AUTH=none turns keys off"]
      : [],
  );
  if (v.SCHEMA_NAME && !v.SCHEMA_REGISTRY_NAME === !v.SCHEMA_REGISTRY_FILE) {
    throw new SettingsError(
      `SCHEMA_NAME=${JSON.stringify(v.SCHEMA_NAME)} needs exactly one of SCHEMA_REGISTRY_NAME (Glue) or SCHEMA_REGISTRY_FILE (local)`,
    );
  }
  return {
    streamName: v.STREAM_NAME,
    region: v.AWS_REGION,
    port: v.PORT,
    host: v.HOST,
    kinesisEndpoint: v.KINESIS_ENDPOINT || undefined,
    ackMode: v.ACK_MODE,
    maxBodyBytes: v.MAX_BODY_BYTES,
    metricsIntervalMs: v.METRICS_INTERVAL_MS,
    logLevel: v.LOG_LEVEL,
    schema: v.SCHEMA_NAME
      ? {
          name: v.SCHEMA_NAME,
          registry: v.SCHEMA_REGISTRY_NAME
            ? { kind: "glue", registryName: v.SCHEMA_REGISTRY_NAME }
            : { kind: "file", file: v.SCHEMA_REGISTRY_FILE! },
          compression: v.SCHEMA_COMPRESSION,
          autoRegister: v.SCHEMA_AUTO_REGISTER,
        }
      : undefined,
    tenants:
      v.INGEST_AUTH === "apiKeys"
        ? {
            table: v.TENANTS_TABLE!,
            dynamoDbEndpoint: v.DYNAMODB_ENDPOINT || undefined,
            cacheTtlMs: v.AUTH_CACHE_TTL_MS,
            cacheMaxEntries: v.AUTH_CACHE_MAX_ENTRIES,
            failureBurst: v.AUTH_FAILURE_BURST,
            failuresPerSecond: v.AUTH_FAILURES_PER_SECOND,
            failureAddresses: TENANT_DEFAULTS.authFailureAddresses,
            clientAddress: v.CLIENT_ADDRESS,
            recordsPerSecond: v.TENANT_RECORDS_PER_SECOND,
            bytesPerSecond: v.TENANT_BYTES_PER_SECOND,
            metricsFor: v.TENANT_METRICS_FOR ? v.TENANT_METRICS_FOR.split(",") : [],
          }
        : undefined,
    producer: {
      aggregation: v.AGGREGATION,
      aggregationMaxSize: v.AGGREGATION_MAX_BYTES,
      recordMaxBufferedTimeMs: v.RECORD_MAX_BUFFERED_MS,
      collectionMaxCount: KPL_DEFAULTS.collectionMaxCount,
      collectionMaxSize: KPL_DEFAULTS.collectionMaxSize,
      recordTtlMs: v.RECORD_TTL_MS,
      maxConnections: v.MAX_CONNECTIONS,
      pendingLimitRecords: v.PENDING_LIMIT_RECORDS,
      pendingLimitBytes: v.PENDING_LIMIT_BYTES,
      shardMapRefreshMs: v.SHARD_MAP_REFRESH_MS,
      retryBaseMs: INGEST_DEFAULTS.retryBaseMs,
      retryMaxMs: INGEST_DEFAULTS.retryMaxMs,
    },
  };
}
