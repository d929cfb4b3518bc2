/**
 * The scaling simulator: drives the shard policy (and the Flink policy) through a load
 * trace, minute by minute, with a simple model of what the policies would see on AWS:
 * - the stream takes at most 1,000 records/s per shard (the rest is throttled: "over
 *   capacity"), and UpdateShardCount takes `reshardMinutes` during which the stream is
 *   UPDATING at its old size;
 * - consumers (and the Flink job) read up to `consumerRecordsPerShard` per shard per second
 *   (the Flink job: `recordsPerSubtask` per unit of parallelism); what they cannot read
 *   piles up, and their lag is that backlog over their read rate;
 * - policies see 5-minute sums (shards) and per-minute maxima (Flink), as CloudWatch gives.
 * Pure apart from the trace: the tests assert on its figures.
 */
import { STREAM_LIMITS } from "../stream/limits";
import { decideFlinkScaling, FlinkPeriod, FlinkScalingConfig } from "./flink-policy";
import { decideShardScaling, ShardScalingConfig } from "./shard-policy";

export interface SimulationOptions {
  shards: ShardScalingConfig;
  flink: FlinkScalingConfig;
  initialShards: number;
  initialParallelism: number;
  parallelismPerKpu: number;
  reshardMinutes: number;
  consumerRecordsPerShard: number;
  recordsPerSubtask: number;
  /** A Flink change restarts the job: it reads nothing for this long. */
  flinkRestartMinutes: number;
  recordBytes: number;
}

export const SIMULATION_DEFAULTS = {
  initialShards: 2,
  initialParallelism: 2,
  parallelismPerKpu: 1,
  reshardMinutes: 3,
  consumerRecordsPerShard: 2000,
  recordsPerSubtask: 2500,
  flinkRestartMinutes: 2,
  recordBytes: 200,
} as const;

export interface ScalingEvent {
  minute: number;
  scaler: "shards" | "flink";
  from: number;
  to: number;
  reason: string;
}

export interface MinuteState {
  minute: number;
  load: number;
  shards: number;
  capacity: number;
  parallelism: number;
  iteratorAgeMs: number;
  millisBehindLatest: number;
}

export interface SimulationResult {
  events: ScalingEvent[];
  minutes: MinuteState[];
  minutesOverCapacity: number;
  shardHours: number;
  kpuHours: number;
  /** Up, then down, then up again (or the reverse) within the scale-down cooldown. */
  flaps: number;
  maxIteratorAgeMs: number;
}

export function simulate(recordsPerSecond: readonly number[], options: SimulationOptions): SimulationResult {
  let shards = options.initialShards;
  let parallelism = options.initialParallelism;
  let pendingShards: { to: number; at: number } | undefined;
  let flinkDownUntil = -1;
  let consumerBacklog = 0;
  let flinkBacklog = 0;
  let lastFlinkChange: number | undefined;
  let previousBehindMs = 0;
  const updates: number[] = [];
  const events: ScalingEvent[] = [];
  const states: MinuteState[] = [];
  const flinkPeriods: FlinkPeriod[] = [];
  const period = { bytes: 0, records: 0, maxAgeMs: 0 };

  recordsPerSecond.forEach((load, minute) => {
    if (pendingShards && minute >= pendingShards.at) {
      shards = pendingShards.to;
      pendingShards = undefined;
    }
    const capacity = shards * STREAM_LIMITS.shardIngestRecordsPerSecond;
    const accepted = Math.min(load, capacity);
    // Consumers: each shard's reader keeps up to its rate; the backlog is what it could not read.
    const consumerRate = shards * options.consumerRecordsPerShard;
    consumerBacklog = Math.max(0, consumerBacklog + (accepted - consumerRate) * 60);
    const iteratorAgeMs = (consumerBacklog / consumerRate) * 1000;
    const flinkRate = minute < flinkDownUntil ? 0 : parallelism * options.recordsPerSubtask;
    flinkBacklog = Math.max(0, flinkBacklog + (accepted - flinkRate) * 60);
    // A restarting job reads nothing and falls a minute further behind each minute.
    const millisBehindLatest = flinkRate === 0 ? previousBehindMs + 60_000 : (flinkBacklog / flinkRate) * 1000;
    previousBehindMs = millisBehindLatest;

    period.bytes += accepted * 60 * options.recordBytes;
    period.records += accepted * 60;
    period.maxAgeMs = Math.max(period.maxAgeMs, iteratorAgeMs);
    flinkPeriods.push({
      millisBehindLatest,
      cpuPercent: flinkRate === 0 ? 0 : Math.min(100, (100 * accepted) / flinkRate),
    });
    states.push({ minute, load, shards, capacity, parallelism, iteratorAgeMs, millisBehindLatest });

    const now = minute * 60_000;
    if ((minute + 1) % options.shards.periodMinutes === 0) {
      const decision = decideShardScaling(
        { incomingBytes: period.bytes, incomingRecords: period.records, iteratorAgeMaxMs: period.maxAgeMs },
        { mode: "PROVISIONED", status: pendingShards ? "UPDATING" : "ACTIVE", openShards: shards, updates, now },
        options.shards,
      );
      if (decision.action !== "none") {
        updates.push(now);
        pendingShards = { to: decision.to, at: minute + options.reshardMinutes };
        events.push({ minute, scaler: "shards", from: decision.from, to: decision.to, reason: decision.reason });
      }
      period.bytes = 0;
      period.records = 0;
      period.maxAgeMs = 0;
    }
    const flinkDecision = decideFlinkScaling(
      flinkPeriods,
      {
        status: minute < flinkDownUntil ? "UPDATING" : "RUNNING",
        parallelism,
        parallelismPerKpu: options.parallelismPerKpu,
        lastChangeAt: lastFlinkChange,
        now,
      },
      options.flink,
    );
    if (flinkDecision.action !== "none") {
      events.push({ minute, scaler: "flink", from: parallelism, to: flinkDecision.to, reason: flinkDecision.reason });
      parallelism = flinkDecision.to;
      lastFlinkChange = now;
      flinkDownUntil = minute + 1 + options.flinkRestartMinutes;
      flinkPeriods.length = 0;
    }
  });

  return {
    events,
    minutes: states,
    minutesOverCapacity: states.filter((s) => s.load > s.capacity).length,
    shardHours: states.reduce((sum, s) => sum + s.shards, 0) / 60,
    kpuHours: states.reduce((sum, s) => sum + Math.ceil(s.parallelism / options.parallelismPerKpu), 0) / 60,
    flaps: countFlaps(
      events.filter((e) => e.scaler === "shards"),
      options.shards.scaleDownCooldownMinutes,
    ),
    maxIteratorAgeMs: Math.max(0, ...states.map((s) => s.iteratorAgeMs)),
  };
}

/** Direction reversals twice in a row (up-down-up, down-up-down) inside `withinMinutes`. */
export function countFlaps(events: readonly ScalingEvent[], withinMinutes: number): number {
  let flaps = 0;
  for (let i = 2; i < events.length; i++) {
    const [a, b, c] = [events[i - 2], events[i - 1], events[i]].map((e) => Math.sign(e.to - e.from));
    if (a === c && a !== b && events[i].minute - events[i - 2].minute <= withinMinutes) flaps++;
  }
  return flaps;
}
