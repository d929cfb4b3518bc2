/** What the stack config says about the stream: its capacity mode, retention, key and scaler. */
import { StreamMode } from "../../runtime/stream/limits";

/** The shard scaler of a PROVISIONED stream (created with `shardCount` shards). */
export interface ShardScalerConfig {
  minShards: number;
  maxShards: number;
  dryRun: boolean;
  /** One concurrent execution reserved for the function (`scalerReservedConcurrency`). */
  reservedConcurrency: boolean;
}

export interface StreamConfig {
  mode: StreamMode;
  /** Set for PROVISIONED streams only. */
  shardCount?: number;
  retentionHours: number;
  /** An existing key to encrypt with; unset means the stack creates one. */
  kmsKeyArn?: string;
  /** Set when the scaler sizes the stream (PROVISIONED with `shardScaler` true). */
  scaler?: ShardScalerConfig;
}
