/**
 * The shard scaler's policy: from a period's stream metrics, the stream's state and the
 * scaler's history to a decision, as a pure function (tested by tables, driven by the
 * simulator, applied by the scaler function).
 *
 * Usage factor (how full the shards are, by the busier of bytes and records):
 *   max(IncomingBytes / (1 MiB x 60 x periodMinutes x shards),
 *       IncomingRecords / (1000 x 60 x periodMinutes x shards))
 * with missing data as zero. At or above `scaleUpAt` the stream doubles; below
 * `scaleDownBelow` it halves, unless consumers lag (their iterator age, in minutes, is
 * above `maxLagMinutesToScaleDown`: fewer shards would slow them further). Bounded by
 * min/max shards and by what UpdateShardCount allows.
 */
import { STREAM_LIMITS, StreamMode, UPDATE_SHARD_COUNT_LIMITS } from "../stream/limits";

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

export const SHARD_SCALING_DEFAULTS: Omit<ShardScalingConfig, "minShards" | "maxShards"> = {
  periodMinutes: 5,
  scaleUpAt: 0.75,
  scaleDownBelow: 0.25,
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
  const seconds = 60 * periodMinutes * shards;
  const bytes = (metrics.incomingBytes ?? 0) / (STREAM_LIMITS.shardIngestBytesPerSecond * seconds);
  const records = (metrics.incomingRecords ?? 0) / (STREAM_LIMITS.shardIngestRecordsPerSecond * seconds);
  return Math.max(bytes, records);
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

  if (usage >= config.scaleUpAt) {
    const to = Math.min(
      from * UPDATE_SHARD_COUNT_LIMITS.maxScaleUpFactor,
      config.maxShards,
      STREAM_LIMITS.maxShardCount,
    );
    if (to <= from) return hold("at-max", `usage ${pct(usage)} but already at maxShards ${config.maxShards}`);
    if (used >= budget) {
      return hold("budget", `usage ${pct(usage)} but ${used} of ${budget} UpdateShardCount calls used in ${window}`);
    }
    if (sinceLast < config.scaleUpCooldownMinutes) return cooldown("up-cooldown", config.scaleUpCooldownMinutes);
    return change("scale-up", to, `usage ${pct(usage)} >= ${pct(config.scaleUpAt)}`);
  }
  if (usage < config.scaleDownBelow) {
    const to = Math.max(Math.ceil(from / UPDATE_SHARD_COUNT_LIMITS.maxScaleDownFactor), config.minShards);
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
    return change("scale-down", to, `usage ${pct(usage)} < ${pct(config.scaleDownBelow)}`);
  }
  return hold("in-band", `usage ${pct(usage)} within ${pct(config.scaleDownBelow)}..${pct(config.scaleUpAt)}`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const minutes = (m: number) => `${m.toFixed(1)} min`;
