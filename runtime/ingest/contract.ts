/**
 * The ingest service's contract: the HTTP front door on Fargate (and in the local stack),
 * aggregating records the way the KPL does and writing them to the stream; with a schema,
 * it validates each record against the registry's latest version and writes the Glue wire
 * format.
 */
import { defineContract, emits } from "../common/contract";
import { httpUrl, integer, matching, oneOf, switchValue } from "../common/env";
import { REPORTING_VARIABLES, SCHEMA_REGISTRY_VARIABLES, STREAM_VARIABLES } from "../common/service-variables";
import {
  INGEST_REJECT_METRICS,
  PIPELINE_SERVICES,
  PRODUCER_METRICS,
  REASON_DIMENSION,
  SERVICE_DIMENSION,
  TENANT_DIMENSION,
  TENANT_METRICS,
  TENANT_REJECT_METRICS,
} from "../observability/metrics/pipeline";
import { STREAM_LIMITS } from "../stream/limits";
import { MAX_TENANT_ID_LENGTH, TENANT_ID_PATTERN } from "../stream/tenant-key";
import { INGEST_AUTH_MODES, TENANT_DEFAULTS } from "../tenants/defaults";
import { TENANTS_TABLE_KEY } from "../tenants/tenant-items";
import { INGEST_DEFAULTS, KPL_DEFAULTS } from "./defaults";

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
    ...oneOf("durable", "buffered"),
    default: "durable",
    purpose: "durable: answer 200 once stored in Kinesis; buffered: answer 202 at once",
  },
  AGGREGATION: { ...switchValue, default: "true", purpose: "pack records into KPL aggregates per shard" },
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
    ...oneOf("none", "zlib"),
    default: "none",
    purpose: "compress schema-encoded records with zlib, as the AWS serializer can",
  },
  SCHEMA_AUTO_REGISTER: {
    ...switchValue,
    default: "false",
    purpose: "true: register schemas/<SCHEMA_NAME>.json as the next version at start (checked by the registry)",
  },
  ...SCHEMA_REGISTRY_VARIABLES,
  ...REPORTING_VARIABLES,
  INGEST_AUTH: {
    ...oneOf(...INGEST_AUTH_MODES),
    default: TENANT_DEFAULTS.ingestAuth,
    purpose:
      "apiKeys: every POST needs a tenant's key (Authorization: Bearer); none: anyone writes, as the anonymous tenant",
  },
  TENANTS_TABLE: {
    ...matching(/^[a-zA-Z0-9_.-]{3,255}$/, "a DynamoDB table name"),
    default: "" as const,
    purpose: "the tenants table (API key hashes, tenants, limits); required with INGEST_AUTH=apiKeys",
  },
  DYNAMODB_ENDPOINT: {
    ...httpUrl,
    default: "" as const,
    purpose: "DynamoDB endpoint for local emulators; unset means AWS",
  },
  AUTH_CACHE_TTL_MS: {
    ...integer(100, 300_000),
    default: String(TENANT_DEFAULTS.cacheTtlMs),
    purpose: "how long a key lookup is kept: a revoked key or disabled tenant is refused within it",
  },
  AUTH_CACHE_MAX_ENTRIES: {
    ...integer(10, 1_000_000),
    default: String(TENANT_DEFAULTS.cacheMaxEntries),
    purpose: "key lookups kept (the least recently used go first)",
  },
  AUTH_FAILURE_BURST: {
    ...integer(1, 1000),
    default: String(TENANT_DEFAULTS.authFailureBurst),
    purpose: "failed authentications a client address may make at once before 429",
  },
  AUTH_FAILURES_PER_SECOND: {
    ...integer(1, 1000),
    default: String(TENANT_DEFAULTS.authFailuresPerSecond),
    purpose: "failed authentications a client address regains per second",
  },
  CLIENT_ADDRESS: {
    ...oneOf("socket", "load-balancer"),
    default: "socket",
    purpose:
      "where a client's address is read: the connection, or the last X-Forwarded-For entry (the load balancer's)",
  },
  TENANT_RECORDS_PER_SECOND: {
    ...integer(1, 10_000_000),
    default: String(TENANT_DEFAULTS.recordsPerSecond),
    purpose: "a tenant's records/s on this task, unless the tenants table sets its own",
  },
  TENANT_BYTES_PER_SECOND: {
    ...integer(1024, 10 * 1024 ** 3),
    default: String(TENANT_DEFAULTS.bytesPerSecond),
    purpose: "a tenant's bytes/s (data and stored keys) on this task, unless the tenants table sets its own",
  },
  TENANT_METRICS_FOR: {
    ...matching(
      new RegExp(
        `^(${TENANT_ID_PATTERN.source.slice(1, -1)})(,(${TENANT_ID_PATTERN.source.slice(1, -1)})){0,${TENANT_DEFAULTS.maxNamedTenants - 1}}$`,
      ),
      `a comma-separated list of at most ${TENANT_DEFAULTS.maxNamedTenants} tenant ids (each at most ${MAX_TENANT_ID_LENGTH} characters)`,
    ),
    default: "" as const,
    purpose: 'tenants with a Tenant metric dimension of their own; the others are counted together as "others"',
  },
};

/** The dimensions of every report: its program, and the stream it writes. */
const INGEST_DIMENSIONS = { [SERVICE_DIMENSION]: PIPELINE_SERVICES.ingest, StreamName: "STREAM_NAME" } as const;

export const INGEST = defineContract({
  part: "ingest",
  purpose: "the ingest API on Fargate: POST / and /batch, aggregated into the stream",
  entry: {
    kind: "command",
    script: "dist/runtime/ingest/main.js",
    // ECS ignores the image's HEALTHCHECK: the container definition runs this.
    healthCheck: "dist/runtime/common/healthcheck.js",
  },
  variables: INGEST_VARIABLES,
  resources: {
    stream: { named: ["STREAM_NAME"] },
    /** The schema it enforces, in the registry: both name it. */
    schema: { named: ["SCHEMA_REGISTRY_NAME", "SCHEMA_NAME"] },
    /** The tenants table: read only, a key's item and its tenant's item. */
    tenantsTable: { named: ["TENANTS_TABLE"], key: TENANTS_TABLE_KEY },
  },
  calls: [
    { action: "kinesis:PutRecords", on: "stream" },
    // Authentication: a key's item by its hash, then its tenant's item (cached for AUTH_CACHE_TTL_MS).
    { action: "dynamodb:GetItem", on: "tenantsTable", when: { INGEST_AUTH: "apiKeys" } },
    // Aggregates are built per shard, from the shard map.
    { action: "kinesis:ListShards", on: "stream" },
    // The schema's latest version at start; a version by its id while a registration settles.
    { action: "glue:GetSchemaVersion", on: "schema", when: { SCHEMA_NAME: true, SCHEMA_REGISTRY_NAME: true } },
    { action: "glue:GetSchemaVersion", on: "*", when: { SCHEMA_NAME: true, SCHEMA_REGISTRY_NAME: true } },
    {
      action: "glue:GetSchemaByDefinition",
      on: "schema",
      when: { SCHEMA_NAME: true, SCHEMA_REGISTRY_NAME: true, SCHEMA_AUTO_REGISTER: "true" },
    },
    {
      action: "glue:RegisterSchemaVersion",
      on: "schema",
      when: { SCHEMA_NAME: true, SCHEMA_REGISTRY_NAME: true, SCHEMA_AUTO_REGISTER: "true" },
    },
  ],
  metrics: [
    // Counters of one interval, and refused request records by reason (the API's error code).
    emits(PRODUCER_METRICS, INGEST_DIMENSIONS),
    emits(INGEST_REJECT_METRICS, {
      ...INGEST_DIMENSIONS,
      [REASON_DIMENSION]: "the refusal's error code in the API's answer (schema_violation, not_written, ...)",
    }),
    // Per tenant: the named ones (TENANT_METRICS_FOR), the rest as one "others" series.
    emits(TENANT_METRICS, { ...INGEST_DIMENSIONS, [TENANT_DIMENSION]: "a tenant of TENANT_METRICS_FOR, or others" }),
    emits(TENANT_REJECT_METRICS, {
      ...INGEST_DIMENSIONS,
      [TENANT_DIMENSION]: "a tenant of TENANT_METRICS_FOR, or others",
      [REASON_DIMENSION]: "the refusal's error code in the API's answer (rate_limited, tenant_disabled, ...)",
    }),
  ],
});

/** Where ingest listens in its container: the load balancer's target port. */
export const INGEST_PORT = INGEST_DEFAULTS.port;
