/**
 * The shard scaler's policy: from a period's stream metrics, the stream's state and the
 * scaler's history to a decision, as a pure function (tested by tables, driven by the
 * simulator, applied by the scaler function).
 *
 * Usage factor (how full the shards are, by the busier of bytes and records):
 *   max(IncomingBytes / (1 MiB x 60 x periodMinutes x shards),
 *       IncomingRecords / (1000 x 60 x periodMinutes x shards))
 * with missing data as zero. At or above `scaleUpAt` the stream grows, below
 * `scaleDownBelow` it shrinks (unless consumers lag: their iterator age, in minutes, above
 * `maxLagMinutesToScaleDown`, as fewer shards would slow them further). How far: to the
 * count that brings the usage factor to `targetUsage` (rightSizedShards), or, with
 * `stepping` "double-halve" (the reference's rule, kept to compare against), always
 * double or halve. Bounded by min/max shards, the account's free shards and what
 * UpdateShardCount allows per call.
 */
import { STREAM_LIMITS, StreamMode, UPDATE_SHARD_COUNT_LIMITS } from "../stream/limits";
import { loadInShards, shardsAtUsage } from "../stream/shard-sizing";

export interface ShardMetrics {
  /** Sums over the period; undefined when CloudWatch has no data point (an idle stream). */
  incomingBytes?: number;
  incomingRecords?: number;
  /** The largest GetRecords.IteratorAgeMilliseconds of the period. */
  iteratorAgeMaxMs?: number;
}

export interface ShardScalingConfig {
  minShards: number;
  maxShards: number;
  periodMinutes: number;
  scaleUpAt: number;
  scaleDownBelow: number;
  /** The usage factor a change aims for; strictly between scaleDownBelow and scaleUpAt. */
  targetUsage: number;
  /** "to-target": the count that brings usage to targetUsage; "double-halve": the reference's fixed steps. */
  stepping: ShardStepping;
  maxLagMinutesToScaleDown: number;
  /** After any change: a scale-up waits this long (resharding must settle first) ... */
  scaleUpCooldownMinutes: number;
  /** ... and a scale-down this long, so a spike's tail does not undo its scale-up. */
  scaleDownCooldownMinutes: number;
  /** UpdateShardCount calls of the 24-hour budget that only a scale-up may use. */
  callsReservedForScaleUp: number;
  /** The window the call budget counts over: AWS's rolling 24 hours (a local scale model shrinks it). */
  budgetWindowMinutes: number;
}

export const SHARD_STEPPINGS = ["to-target", "double-halve"] as const;
export type ShardStepping = (typeof SHARD_STEPPINGS)[number];

/**
 * The target usage's allowed range: a change must land inside the band it was decided
 * from, or the next period would undo it. Above 0.25 and below 0.75 (the thresholds);
 * 0.3..0.7 keeps a rounded-up count off the band's edges.
 */
export const TARGET_USAGE_RANGE = { min: 0.3, max: 0.7 } as const;

export const SHARD_SCALING_DEFAULTS: Omit<ShardScalingConfig, "minShards" | "maxShards"> = {
  periodMinutes: 5,
  scaleUpAt: 0.75,
  scaleDownBelow: 0.25,
  /**
   * 0.6: a resized stream can grow by a quarter (to 0.75) before it asks for more, and by
   * two thirds before it throttles, which covers the next period plus a reshard (about 8
   * minutes) on the simulator's traces; a scale-down to 0.6 must lose more than half its
   * load again before it shrinks further. (npm run simulate:scaling compares 0.5..0.7.)
   */
  targetUsage: 0.5,
  stepping: "to-target",
  maxLagMinutesToScaleDown: 1,
  scaleUpCooldownMinutes: 5,
  scaleDownCooldownMinutes: 30,
  callsReservedForScaleUp: 2,
  budgetWindowMinutes: 24 * 60,
};

export interface StreamState {
  mode: StreamMode;
  /** StreamStatus from DescribeStreamSummary: only ACTIVE streams can be updated. */
  status: string;
  openShards: number;
  /** Times (epoch ms) of this stream's UpdateShardCount calls, at least the last 24 hours'. */
  updates: readonly number[];
  now: number;
  /**
   * Shards the account may still open in this region (DescribeLimits' ShardLimit minus
   * OpenShardCount); undefined when unknown. A scale-up past it fails with LimitExceeded.
   */
  accountShardsFree?: number;
}

/**
 * Why the stream stays as it is, one code a rule: the reason's text carries the period's
 * usage and changes every period, so whoever compares holds (the local scaler, saying a
 * refusal once) compares codes. "in-band" is no refusal: usage is between the thresholds.
 */
export type ShardHold =
  | "on-demand"
  | "not-active"
  | "in-band"
  | "at-max"
  | "account-limit"
  | "budget"
  | "up-cooldown"
  | "at-min"
  | "consumers-lagging"
  | "budget-reserved"
  | "down-cooldown";

export type ShardDecision =
  | { action: "scale-up" | "scale-down"; from: number; to: number; usageFactor: number; reason: string }
  | { action: "none"; code: ShardHold; from: number; usageFactor: number; reason: string };

/** The calls that count against the budget now: those inside its window. */
export function recentUpdates(updates: readonly number[], now: number, config: ShardScalingConfig): number[] {
  return updates.filter((t) => now - t < config.budgetWindowMinutes * 60_000);
}

/**
 * Minutes of an iterator age in milliseconds. The reference's `* 1000 / 60` turns 2 minutes
 * (120,000 ms) into 2,000,000 "minutes": the age would always look huge and never allow a
 * scale-down. Milliseconds to minutes divides by 60,000.
 */
export function iteratorAgeMinutes(ms: number): number {
  return ms / 60_000;
}

export function usageFactor(metrics: ShardMetrics, shards: number, periodMinutes: number): number {
  const seconds = 60 * periodMinutes;
  return loadInShards((metrics.incomingRecords ?? 0) / seconds, (metrics.incomingBytes ?? 0) / seconds) / shards;
}

/**
 * The shard count that brings the period's usage to `targetUsage`, before the bounds: the
 * same traffic over more (or fewer) shards. A usage of 1 or more means full shards: what
 * the stream refused does not show in IncomingBytes or IncomingRecords, so the demand is
 * unknown and a scale-up takes the largest step allowed.
 */
export function rightSizedShards(from: number, usage: number, config: ShardScalingConfig): number {
  if (config.stepping === "double-halve") {
    return usage >= config.scaleUpAt
      ? from * UPDATE_SHARD_COUNT_LIMITS.maxScaleUpFactor
      : Math.ceil(from / UPDATE_SHARD_COUNT_LIMITS.maxScaleDownFactor);
  }
  if (usage >= 1) return from * UPDATE_SHARD_COUNT_LIMITS.maxScaleUpFactor;
  return shardsAtUsage(from * usage, config.targetUsage);
}

export function decideShardScaling(
  metrics: ShardMetrics,
  stream: StreamState,
  config: ShardScalingConfig,
): ShardDecision {
  const from = stream.openShards;
  const usage = usageFactor(metrics, from, config.periodMinutes);
  const base = { from, usageFactor: usage };
  const hold = (code: ShardHold, reason: string): ShardDecision => ({ action: "none", code, ...base, reason });
  const change = (action: "scale-up" | "scale-down", to: number, reason: string): ShardDecision => ({
    action,
    to,
    ...base,
    reason,
  });
  if (stream.mode === "ON_DEMAND") return hold("on-demand", "on-demand stream: AWS sizes it");
  if (stream.status !== "ACTIVE") {
    return hold("not-active", `stream is ${stream.status}: UpdateShardCount needs ACTIVE`);
  }

  const recent = recentUpdates(stream.updates, stream.now, config);
  const window =
    config.budgetWindowMinutes >= 60 ? `${config.budgetWindowMinutes / 60} h` : `${config.budgetWindowMinutes} min`;
  const used = recent.length;
  const sinceLast = recent.length > 0 ? (stream.now - Math.max(...recent)) / 60_000 : Infinity;
  const budget = UPDATE_SHARD_COUNT_LIMITS.maxCallsPer24Hours;
  // Each direction has its own cooldown (code and minutes), counted from the last call.
  const cooldown = (code: "up-cooldown" | "down-cooldown", limit: number) =>
    hold(code, `usage ${pct(usage)} but the last change was ${minutes(sinceLast)} ago (cooldown ${limit} min)`);

  const wanted = rightSizedShards(from, usage, config);
  const aim = config.stepping === "to-target" ? ` (to ${pct(config.targetUsage)}: ${wanted} shards)` : "";
  if (usage >= config.scaleUpAt) {
    const accountMax = from + (stream.accountShardsFree ?? Infinity);
    const to = Math.min(
      wanted,
      from * UPDATE_SHARD_COUNT_LIMITS.maxScaleUpFactor,
      config.maxShards,
      STREAM_LIMITS.maxShardCount,
      accountMax,
    );
    if (to <= from && accountMax <= from) {
      return hold("account-limit", `usage ${pct(usage)} but the account has no shards free in this region`);
    }
    if (to <= from) return hold("at-max", `usage ${pct(usage)} but already at maxShards ${config.maxShards}`);
    if (used >= budget) {
      return hold("budget", `usage ${pct(usage)} but ${used} of ${budget} UpdateShardCount calls used in ${window}`);
    }
    if (sinceLast < config.scaleUpCooldownMinutes) return cooldown("up-cooldown", config.scaleUpCooldownMinutes);
    return change("scale-up", to, `usage ${pct(usage)} >= ${pct(config.scaleUpAt)}${aim}`);
  }
  if (usage < config.scaleDownBelow) {
    const to = Math.max(
      wanted,
      Math.ceil(from / UPDATE_SHARD_COUNT_LIMITS.maxScaleDownFactor),
      config.minShards,
      STREAM_LIMITS.minShardCount,
    );
    if (to >= from) return hold("at-min", `usage ${pct(usage)}, already at minShards ${config.minShards}`);
    const lag = iteratorAgeMinutes(metrics.iteratorAgeMaxMs ?? 0);
    if (lag > config.maxLagMinutesToScaleDown) {
      return hold(
        "consumers-lagging",
        `usage ${pct(usage)} but consumers lag ${minutes(lag)} (> ${config.maxLagMinutesToScaleDown} min): no scale-down`,
      );
    }
    if (used >= budget - config.callsReservedForScaleUp) {
      return hold(
        "budget-reserved",
        `usage ${pct(usage)} but ${used} of ${budget} calls used in ${window}: the rest are kept for scale-ups`,
      );
    }
    if (sinceLast < config.scaleDownCooldownMinutes) return cooldown("down-cooldown", config.scaleDownCooldownMinutes);
    return change("scale-down", to, `usage ${pct(usage)} < ${pct(config.scaleDownBelow)}${aim}`);
  }
  return hold("in-band", `usage ${pct(usage)} within ${pct(config.scaleDownBelow)}..${pct(config.scaleUpAt)}`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const minutes = (m: number) => `${m.toFixed(1)} min`;
