/**
 * The processing service's settings: environment variables, validated at start. The infra
 * component sets them on the container; `npm start` sets them for the local workers.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { EnvValues, httpUrl, integer, matching, oneOf, readEnv, SettingsError } from "../common/env";
import { REPORTING_VARIABLES, SCHEMA_REGISTRY_VARIABLES, STREAM_VARIABLES } from "../common/service-variables";
import { Checkpoint, LATEST, TRIM_HORIZON } from "./leases/lease";
import { RetrievalMode } from "./retrieval/shard-reader";
import { RegistryLocation } from "../schemas/open-schema-source";

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
    ...oneOf<RetrievalMode>("polling", "fanout"),
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
    ...oneOf("true", "false"),
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

export type ConsumerEnv = EnvValues<typeof CONSUMER_VARIABLES>;

export interface ConsumerSettings {
  streamName: string;
  region: string;
  applicationName: string;
  workerId: string;
  retrieval: { mode: "polling" } | { mode: "fanout"; consumerArn: string };
  initialPosition: Checkpoint;
  failoverMs: number;
  checkpointIntervalMs: number;
  shardSyncIntervalMs: number;
  pollIdleMs: number;
  maxRecords: number;
  processorMaxAttempts: number;
  processorModule?: string;
  processedFile?: string;
  kinesisEndpoint?: string;
  dynamodbEndpoint?: string;
  kinesisHttp: "1.1" | "2";
  createLeaseTable: boolean;
  metricsIntervalMs: number;
  logLevel: string;
  schemaRegistry?: RegistryLocation;
  deadLetterFile?: string;
}

export function readConsumerSettings(env: Readonly<Record<string, string | undefined>>): ConsumerSettings {
  const v = readEnv(CONSUMER_VARIABLES, env);
  if (v.SCHEMA_REGISTRY_NAME && v.SCHEMA_REGISTRY_FILE) {
    throw new SettingsError("set at most one of SCHEMA_REGISTRY_NAME (Glue) and SCHEMA_REGISTRY_FILE (local)");
  }
  if (v.RETRIEVAL_MODE === "fanout" && !v.CONSUMER_ARN) {
    throw new SettingsError(
      "CONSUMER_ARN must be set to a registered stream consumer ARN when RETRIEVAL_MODE is fanout",
    );
  }
  return {
    streamName: v.STREAM_NAME,
    region: v.AWS_REGION,
    applicationName: v.APPLICATION_NAME,
    workerId: v.WORKER_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    retrieval: v.RETRIEVAL_MODE === "fanout" ? { mode: "fanout", consumerArn: v.CONSUMER_ARN! } : { mode: "polling" },
    initialPosition: v.INITIAL_POSITION === "LATEST" ? LATEST : TRIM_HORIZON,
    failoverMs: v.FAILOVER_MS,
    checkpointIntervalMs: v.CHECKPOINT_INTERVAL_MS,
    shardSyncIntervalMs: v.SHARD_SYNC_INTERVAL_MS,
    pollIdleMs: v.POLL_IDLE_MS,
    maxRecords: v.MAX_RECORDS,
    processorMaxAttempts: v.PROCESSOR_MAX_ATTEMPTS,
    processorModule: v.PROCESSOR_MODULE,
    processedFile: v.PROCESSED_FILE,
    kinesisEndpoint: v.KINESIS_ENDPOINT,
    dynamodbEndpoint: v.DYNAMODB_ENDPOINT,
    kinesisHttp: v.KINESIS_HTTP === "auto" ? (v.KINESIS_ENDPOINT ? "1.1" : "2") : v.KINESIS_HTTP,
    createLeaseTable: v.CREATE_LEASE_TABLE === "true",
    metricsIntervalMs: v.METRICS_INTERVAL_MS,
    logLevel: v.LOG_LEVEL,
    schemaRegistry: v.SCHEMA_REGISTRY_NAME
      ? { kind: "glue", registryName: v.SCHEMA_REGISTRY_NAME }
      : v.SCHEMA_REGISTRY_FILE
        ? { kind: "file", file: v.SCHEMA_REGISTRY_FILE }
        : undefined,
    deadLetterFile: v.DEAD_LETTER_FILE,
  };
}
