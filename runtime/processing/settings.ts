/**
 * The processing service's settings: the environment variables of its contract
 * (service-contract.ts), validated at start. The infra component builds them for the
 * container from the contract; `npm start` builds them the same way for the local workers.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { EnvValues, readEnv, SettingsError } from "../common/env";
import { Checkpoint, LATEST, TRIM_HORIZON } from "./leases/lease";
import { RegistryLocation } from "../schemas/open-schema-source";
import { CONSUMER_VARIABLES } from "./service-contract";

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

/**
 * What a consumer application decides for itself rather than reading from the shared
 * variables: the processing workers read these from their environment, the lake fixes them.
 */
type ProcessingChoice =
  | "initialPosition"
  | "checkpointIntervalMs"
  | "processorMaxAttempts"
  | "processorModule"
  | "processedFile"
  | "deadLetterFile";
export type ProcessingChoices = Pick<ConsumerSettings, ProcessingChoice>;

/** The variables every consumer application of the stream reads alike (the lake's contract leaves out the rest). */
export type ApplicationEnv = Omit<
  ConsumerEnv,
  | "INITIAL_POSITION"
  | "CHECKPOINT_INTERVAL_MS"
  | "PROCESSOR_MAX_ATTEMPTS"
  | "PROCESSOR_MODULE"
  | "PROCESSED_FILE"
  | "DEAD_LETTER_FILE"
>;

export function readConsumerSettings(env: Readonly<Record<string, string | undefined>>): ConsumerSettings {
  const v = readEnv(CONSUMER_VARIABLES, env);
  return consumerApplicationSettings(v, {
    initialPosition: v.INITIAL_POSITION === "LATEST" ? LATEST : TRIM_HORIZON,
    checkpointIntervalMs: v.CHECKPOINT_INTERVAL_MS,
    processorMaxAttempts: v.PROCESSOR_MAX_ATTEMPTS,
    processorModule: v.PROCESSOR_MODULE,
    processedFile: v.PROCESSED_FILE,
    deadLetterFile: v.DEAD_LETTER_FILE,
  });
}

/**
 * A consumer application's settings from the variables every application reads alike
 * (already parsed by its contract's readEnv) and its own processing choices.
 */
export function consumerApplicationSettings(v: ApplicationEnv, own: ProcessingChoices): ConsumerSettings {
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
    failoverMs: v.FAILOVER_MS,
    shardSyncIntervalMs: v.SHARD_SYNC_INTERVAL_MS,
    pollIdleMs: v.POLL_IDLE_MS,
    maxRecords: v.MAX_RECORDS,
    kinesisEndpoint: v.KINESIS_ENDPOINT,
    dynamodbEndpoint: v.DYNAMODB_ENDPOINT,
    kinesisHttp: v.KINESIS_HTTP === "auto" ? (v.KINESIS_ENDPOINT ? "1.1" : "2") : v.KINESIS_HTTP,
    createLeaseTable: v.CREATE_LEASE_TABLE,
    metricsIntervalMs: v.METRICS_INTERVAL_MS,
    logLevel: v.LOG_LEVEL,
    schemaRegistry: v.SCHEMA_REGISTRY_NAME
      ? { kind: "glue", registryName: v.SCHEMA_REGISTRY_NAME }
      : v.SCHEMA_REGISTRY_FILE
        ? { kind: "file", file: v.SCHEMA_REGISTRY_FILE }
        : undefined,
    ...own,
  };
}
