/**
 * The lake writer's settings: the environment variables of its contract, validated at start,
 * and the consumer settings the processing runtime takes, with what the lake fixes.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { readEnv, SettingsError } from "../common/env";
import { TRIM_HORIZON } from "../processing/leases/lease";
import { ConsumerSettings } from "../processing/settings";
import { getHeapStatistics } from "node:v8";
import { LAKE_DEFAULTS, LAKE_VARIABLES, lakeBufferBytes } from "./contract";
import { RollSettings } from "./roll-policy";

export interface LakeSettings {
  consumer: ConsumerSettings;
  bucket: string;
  s3Endpoint?: string;
  roll: RollSettings;
  /** What all of the worker's open segments may hold together (memory-budget.ts). */
  bufferBytes: number;
}

export function readLakeSettings(env: Readonly<Record<string, string | undefined>>): LakeSettings {
  const v = readEnv(LAKE_VARIABLES, env);
  if (v.SCHEMA_REGISTRY_NAME && v.SCHEMA_REGISTRY_FILE) {
    throw new SettingsError("set at most one of SCHEMA_REGISTRY_NAME (Glue) and SCHEMA_REGISTRY_FILE (local)");
  }
  if (v.RETRIEVAL_MODE === "fanout" && !v.CONSUMER_ARN) {
    throw new SettingsError(
      "CONSUMER_ARN must be set to a registered stream consumer ARN when RETRIEVAL_MODE is fanout",
    );
  }
  return {
    consumer: {
      streamName: v.STREAM_NAME,
      region: v.AWS_REGION,
      applicationName: v.APPLICATION_NAME,
      workerId: v.WORKER_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
      retrieval: v.RETRIEVAL_MODE === "fanout" ? { mode: "fanout", consumerArn: v.CONSUMER_ARN! } : { mode: "polling" },
      // Every record that reached the stream belongs in the lake: never LATEST.
      initialPosition: TRIM_HORIZON,
      failoverMs: v.FAILOVER_MS,
      checkpointIntervalMs: 0,
      shardSyncIntervalMs: v.SHARD_SYNC_INTERVAL_MS,
      pollIdleMs: v.POLL_IDLE_MS,
      maxRecords: v.MAX_RECORDS,
      // A skipped batch would be records missing from the lake: retry for ever.
      processorMaxAttempts: 0,
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
    },
    bucket: v.LAKE_BUCKET,
    s3Endpoint: v.S3_ENDPOINT,
    roll: { maxBytes: v.LAKE_ROLL_BYTES, maxAgeMs: v.LAKE_ROLL_SECONDS * 1000 },
    // The stack sets it from the task's memory; elsewhere the heap the rows live on bounds it.
    bufferBytes: v.LAKE_BUFFER_BYTES ?? lakeBufferBytes(getHeapStatistics().heap_size_limit),
  };
}

export const LAKE_AGE_CHECK_MS = LAKE_DEFAULTS.ageCheckMs;
