/**
 * The processing service's contract: KCL-style workers (on Fargate, and in the local stack)
 * sharing the stream's shards through a lease table, reading by polling or through an
 * enhanced fan-out consumer, decoding schema-encoded records with the registry's versions.
 */
import { defineContract, emits } from "../common/contract";
import { httpUrl, integer, matching, oneOf, switchValue } from "../common/env";
import { REPORTING_VARIABLES, SCHEMA_REGISTRY_VARIABLES, STREAM_VARIABLES } from "../common/service-variables";
import {
  PIPELINE_SERVICES,
  PROCESSING_LAG_METRICS,
  PROCESSING_METRICS,
  SERVICE_DIMENSION,
  SHARD_DIMENSION,
} from "../observability/metrics/pipeline";
import { LEASE_KEY } from "./leases/lease";

export const CONSUMER_DEFAULTS = {
  /** A lease not renewed for this long is taken over (KCL failoverTimeMillis). */
  failoverMs: 10_000,
  checkpointIntervalMs: 10_000,
  shardSyncIntervalMs: 10_000,
  pollIdleMs: 1_000,
  maxRecords: 10_000,
  processorMaxAttempts: 5,
  drainTimeoutMs: 25_000,
} as const;

export const CONSUMER_VARIABLES = {
  ...STREAM_VARIABLES,
  APPLICATION_NAME: {
    ...matching(/^[a-zA-Z0-9_.-]{3,255}$/, "a DynamoDB table name: 3 to 255 of a-z A-Z 0-9 _ . -"),
    purpose: "the consumer group: the name of its lease table",
  },
  WORKER_ID: {
    ...matching(/^[\x21-\x7e]{1,128}$/, "1 to 128 printable characters"),
    default: "" as const,
    purpose: "this worker's name in the lease table (default: host, pid, random)",
  },
  RETRIEVAL_MODE: {
    ...oneOf("polling", "fanout"),
    default: "polling",
    purpose: "polling: GetRecords; fanout: SubscribeToShard on CONSUMER_ARN",
  },
  CONSUMER_ARN: {
    ...matching(
      /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[^/]+\/consumer\/[^:]+:\d+$/,
      "a registered stream consumer ARN",
    ),
    default: "" as const,
    purpose: "the enhanced fan-out consumer (required with fanout)",
  },
  INITIAL_POSITION: {
    ...oneOf("TRIM_HORIZON", "LATEST"),
    default: "TRIM_HORIZON",
    purpose: "where a shard without checkpoint and parents starts",
  },
  FAILOVER_MS: {
    ...integer(1_000, 600_000),
    default: String(CONSUMER_DEFAULTS.failoverMs),
    purpose: "a lease not renewed this long is taken over",
  },
  CHECKPOINT_INTERVAL_MS: {
    ...integer(0, 3_600_000),
    default: String(CONSUMER_DEFAULTS.checkpointIntervalMs),
    purpose: "the default processor checkpoints at most this often",
  },
  SHARD_SYNC_INTERVAL_MS: {
    ...integer(1_000, 3_600_000),
    default: String(CONSUMER_DEFAULTS.shardSyncIntervalMs),
    purpose: "how often shards are listed for new leases",
  },
  POLL_IDLE_MS: {
    ...integer(200, 60_000),
    default: String(CONSUMER_DEFAULTS.pollIdleMs),
    purpose: "polling: wait after an empty read when caught up",
  },
  MAX_RECORDS: {
    ...integer(1, 10_000),
    default: String(CONSUMER_DEFAULTS.maxRecords),
    purpose: "polling: records per GetRecords call",
  },
  PROCESSOR_MAX_ATTEMPTS: {
    ...integer(0, 1000),
    default: String(CONSUMER_DEFAULTS.processorMaxAttempts),
    purpose: "tries of a failing batch before it is skipped (0: for ever)",
  },
  PROCESSOR_MODULE: {
    ...matching(/^\S+$/, "a module path"),
    default: "" as const,
    purpose: "a record processor module (default: the logging processor)",
  },
  PROCESSED_FILE: {
    ...matching(/^\S+$/, "a file path"),
    default: "" as const,
    purpose: "the default processor appends each record to it as a JSON line",
  },
  DYNAMODB_ENDPOINT: {
    ...httpUrl,
    default: "" as const,
    purpose: "DynamoDB endpoint for local emulators; unset means AWS",
  },
  KINESIS_HTTP: {
    ...oneOf("auto", "1.1", "2"),
    default: "auto",
    purpose: "auto: HTTP/2 on AWS (SubscribeToShard needs it), HTTP/1.1 with KINESIS_ENDPOINT",
  },
  CREATE_LEASE_TABLE: {
    ...switchValue,
    default: "true",
    purpose: "create the lease table when missing (on AWS the stack creates it)",
  },
  DEAD_LETTER_FILE: {
    ...matching(/^\S+$/, "a file path"),
    default: "" as const,
    purpose: "also append dead letters (undecodable records) here as JSON lines",
  },
  ...SCHEMA_REGISTRY_VARIABLES,
  ...REPORTING_VARIABLES,
};

/**
 * What any KCL-style consumer application (the processing workers, the lake writer) acts on
 * and calls: the coordinator, its readers and its lease table (consumer-application.ts).
 */
export const CONSUMER_APPLICATION_RESOURCES = {
  stream: { named: ["STREAM_NAME"] },
  /** The registered stream consumer it reads through in fanout mode. */
  consumer: { named: ["CONSUMER_ARN"] },
  /** The consumer group's lease table, named after the application. */
  leaseTable: { named: ["APPLICATION_NAME"], key: LEASE_KEY },
} as const;

export const CONSUMER_APPLICATION_CALLS = [
  { action: "kinesis:GetRecords", on: "stream", when: { RETRIEVAL_MODE: "polling" } },
  { action: "kinesis:GetShardIterator", on: "stream", when: { RETRIEVAL_MODE: "polling" } },
  // The shard map, in either mode: leases follow the shards.
  { action: "kinesis:ListShards", on: "stream" },
  { action: "kinesis:SubscribeToShard", on: "consumer", when: { RETRIEVAL_MODE: "fanout" } },
  { action: "dynamodb:Scan", on: "leaseTable" },
  { action: "dynamodb:PutItem", on: "leaseTable" },
  { action: "dynamodb:UpdateItem", on: "leaseTable" },
  // Locally the worker makes its table; on AWS the stack does, and the role may not.
  { action: "dynamodb:CreateTable", on: "leaseTable", when: { CREATE_LEASE_TABLE: "true" } },
  { action: "dynamodb:DescribeTable", on: "leaseTable", when: { CREATE_LEASE_TABLE: "true" } },
  // Records written with a schema header are decoded with the version their header names.
  { action: "glue:GetSchemaVersion", on: "*", when: { SCHEMA_REGISTRY_NAME: true } },
] as const;

/** The coordinator's counters and per-shard lag, under the application's own dimensions. */
export function consumerApplicationMetrics(dimensions: { [SERVICE_DIMENSION]: string; StreamName: "STREAM_NAME" }) {
  return [
    emits(PROCESSING_METRICS, dimensions),
    emits(PROCESSING_LAG_METRICS, { ...dimensions, [SHARD_DIMENSION]: "the shard" }),
  ];
}

/** The workers' documents: their program, and the stream they read. */
const PROCESSING_DIMENSIONS = { [SERVICE_DIMENSION]: PIPELINE_SERVICES.processing, StreamName: "STREAM_NAME" } as const;

export const PROCESSING = defineContract({
  part: "processing",
  purpose: "the processing workers on Fargate: KCL-style leases, polling or enhanced fan-out",
  entry: { kind: "command", script: "dist/runtime/processing/main.js" },
  variables: CONSUMER_VARIABLES,
  resources: CONSUMER_APPLICATION_RESOURCES,
  calls: CONSUMER_APPLICATION_CALLS,
  metrics: consumerApplicationMetrics(PROCESSING_DIMENSIONS),
});
