/**
 * The shard scaler function's settings, from the environment the stack gives it
 * (shard-scaler-contract.ts): which stream, its bounds, the table of its history, the alarms
 * it rewrites and their topic, and the dry-run switch.
 * Read in one pass: a bad setting fails the invocation naming every bad variable.
 */
import { EnvValues, readEnv } from "../common/env";
import { outOfBound } from "../common/setting";
import { SHARD_SCALER_VARIABLES } from "./shard-scaler-contract";

export type ShardScalerSettings = EnvValues<typeof SHARD_SCALER_VARIABLES>;

export function readShardScalerSettings(env: Readonly<Record<string, string | undefined>>): ShardScalerSettings {
  return readEnv(SHARD_SCALER_VARIABLES, env, (v) =>
    v.MIN_SHARDS > v.MAX_SHARDS ? [outOfBound("MAX_SHARDS", "at least", "MIN_SHARDS", v.MIN_SHARDS, v.MAX_SHARDS)] : [],
  );
}
