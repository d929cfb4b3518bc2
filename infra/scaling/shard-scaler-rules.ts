/**
 * The rules between the shard scaler's bounds and the stream it sizes, in the words of
 * the stack config; validateConfig lists them with every other problem.
 */
import { outOfBound } from "../../runtime/common/setting";

export interface ShardScalerBounds {
  /** Whether the scaler runs: a PROVISIONED stream with `shardScaler` true. */
  scaled: boolean;
  /** The stream's shard count (its default when unset). */
  shardCount: number;
  minShards?: number;
  maxShards?: number;
}

export function shardScalerProblems({ scaled, shardCount, minShards, maxShards }: ShardScalerBounds): string[] {
  if (!scaled) return [];
  const problems: string[] = [];
  if (minShards !== undefined && minShards > shardCount) {
    problems.push(outOfBound("minShards", "at most", "the shard count", shardCount, minShards));
  }
  if (maxShards !== undefined && maxShards < shardCount) {
    problems.push(outOfBound("maxShards", "at least", "the shard count", shardCount, maxShards));
  }
  return problems;
}
