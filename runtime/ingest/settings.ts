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
}

/** Reads and checks every variable; throws one SettingsError listing all that are wrong. */
export function readIngestSettings(env: Readonly<Record<string, string | undefined>>): IngestSettings {
  const v = readEnv(INGEST_VARIABLES, env);
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
