/**
 * The ingest service's settings: environment variables, validated at start. The infra
 * component sets them on the container; `npm start` sets them for the local producer.
 */
import { STREAM_LIMITS } from "../stream/limits";
import { EnvValues, integer, matching, oneOf, readEnv, SettingsError } from "../common/env";
import { REPORTING_VARIABLES, SCHEMA_REGISTRY_VARIABLES, STREAM_VARIABLES } from "../common/service-variables";
import { Compression } from "../schemas/wire-format";
import { INGEST_DEFAULTS, KPL_DEFAULTS } from "./defaults";
import { ProducerOptions } from "./kinesis-producer";
import { AckMode } from "./ingest-api";

const MiB = 1024 * 1024;

export const INGEST_VARIABLES = {
  ...STREAM_VARIABLES,
  PORT: { ...integer(1, 65535), default: String(INGEST_DEFAULTS.port), purpose: "HTTP port" },
  HOST: {
    ...matching(/^[0-9a-fA-F:.]+$|^localhost$/, "an IP address to listen on"),
    default: "0.0.0.0",
    purpose: "address to listen on",
  },
  ACK_MODE: {
    ...oneOf<AckMode>("durable", "buffered"),
    default: "durable",
    purpose: "durable: answer 200 once stored in Kinesis; buffered: answer 202 at once",
  },
  AGGREGATION: { ...oneOf("on", "off"), default: "on", purpose: "pack records into KPL aggregates per shard" },
  AGGREGATION_MAX_BYTES: {
    ...integer(1024, STREAM_LIMITS.maxRecordBytes - 4 * STREAM_LIMITS.maxPartitionKeyLength),
    default: String(KPL_DEFAULTS.aggregationMaxSize),
    purpose: "largest aggregated record (KPL AggregationMaxSize)",
  },
  RECORD_MAX_BUFFERED_MS: {
    ...integer(1, 60_000),
    default: String(KPL_DEFAULTS.recordMaxBufferedTimeMs),
    purpose: "longest a record waits before it is sent (KPL RecordMaxBufferedTime)",
  },
  RECORD_TTL_MS: {
    ...integer(100, 600_000),
    default: String(KPL_DEFAULTS.recordTtlMs),
    purpose: "a record not stored by then fails with 503 (KPL RecordTtl)",
  },
  MAX_CONNECTIONS: {
    ...integer(1, 256),
    default: String(KPL_DEFAULTS.maxConnections),
    purpose: "concurrent PutRecords calls (KPL MaxConnections)",
  },
  PENDING_LIMIT_RECORDS: {
    ...integer(1, 10_000_000),
    default: String(INGEST_DEFAULTS.pendingLimitRecords),
    purpose: "records accepted but not yet stored; past it: 503 + Retry-After",
  },
  PENDING_LIMIT_BYTES: {
    ...integer(MiB, 4096 * MiB),
    default: String(INGEST_DEFAULTS.pendingLimitBytes),
    purpose: "the same limit in bytes of data and partition keys",
  },
  MAX_BODY_BYTES: {
    ...integer(1024, 64 * MiB),
    default: String(INGEST_DEFAULTS.maxBodyBytes),
    purpose: "largest request body; larger: 413",
  },
  SHARD_MAP_REFRESH_MS: {
    ...integer(1000, 3_600_000),
    default: String(INGEST_DEFAULTS.shardMapRefreshMs),
    purpose: "how often ListShards is read without a sign of resharding",
  },
  SCHEMA_NAME: {
    ...matching(/^[a-zA-Z0-9\-_$#.]{1,255}$/, "a schema name in the registry"),
    default: "" as const,
    purpose: "validate every record's data against this schema (422 when invalid) and write the Glue wire format",
  },
  SCHEMA_COMPRESSION: {
    ...oneOf<Compression>("none", "zlib"),
    default: "none",
    purpose: "compress schema-encoded records with zlib, as the AWS serializer can",
  },
  SCHEMA_AUTO_REGISTER: {
    ...oneOf("on", "off"),
    default: "off",
    purpose: "on: register schemas/<SCHEMA_NAME>.json as the next version at start (checked by the registry)",
  },
  ...SCHEMA_REGISTRY_VARIABLES,
  ...REPORTING_VARIABLES,
};

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
          autoRegister: v.SCHEMA_AUTO_REGISTER === "on",
        }
      : undefined,
    producer: {
      aggregation: v.AGGREGATION === "on",
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
