/**
 * The lake writer's settings: the environment variables of its contract, validated at start,
 * and the consumer settings the processing runtime takes, with what the lake fixes.
 */
import { readEnv } from "../common/env";
import { TRIM_HORIZON } from "../processing/leases/lease";
import { ConsumerSettings, consumerApplicationSettings } from "../processing/settings";
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
  return {
    consumer: consumerApplicationSettings(v, {
      // Every record that reached the stream belongs in the lake: never LATEST.
      initialPosition: TRIM_HORIZON,
      // The lake writer checkpoints at stored segments only.
      checkpointIntervalMs: 0,
      // A skipped batch would be records missing from the lake: retry for ever.
      processorMaxAttempts: 0,
    }),
    bucket: v.LAKE_BUCKET,
    s3Endpoint: v.S3_ENDPOINT,
    roll: { maxBytes: v.LAKE_ROLL_BYTES, maxAgeMs: v.LAKE_ROLL_SECONDS * 1000 },
    // The stack sets it from the task's memory; elsewhere the heap the rows live on bounds it.
    bufferBytes: v.LAKE_BUFFER_BYTES ?? lakeBufferBytes(getHeapStatistics().heap_size_limit),
  };
}

export const LAKE_AGE_CHECK_MS = LAKE_DEFAULTS.ageCheckMs;
