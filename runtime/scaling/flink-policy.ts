/**
 * The Flink scaler's policy: from how far the hot-spot application falls behind the stream
 * (millisBehindLatest) and how busy it is (CPU) over the last periods, to a new
 * parallelism or none, as a pure function.
 *
 * Out (double) when millisBehindLatest stayed above `behindMs` for `outPeriods` periods
 * in a row; in (halve) when it stayed below `caughtUpMs` and CPU below `lowCpuPercent` for
 * `inPeriods`. Bounded by min/max parallelism and the KPU limit (KPUs = parallelism /
 * parallelismPerKpu, rounded up); every change restarts the job, hence the cooldown; and
 * nothing while the application is not RUNNING (an update in progress included).
 */

export interface FlinkPeriod {
  /** The period's maximum millisBehindLatest; undefined when there was no data point. */
  millisBehindLatest?: number;
  /** The period's average containerCPUUtilization, in percent. */
  cpuPercent?: number;
}

export interface FlinkScalingConfig {
  minParallelism: number;
  maxParallelism: number;
  maxKpus: number;
  behindMs: number;
  outPeriods: number;
  caughtUpMs: number;
  lowCpuPercent: number;
  inPeriods: number;
  cooldownMinutes: number;
}

export const FLINK_SCALING_DEFAULTS: Omit<FlinkScalingConfig, "minParallelism" | "maxParallelism"> = {
  // The scaler's own ceiling, below the service's quota of 64 KPUs (infra/hotspots/flink-limits.ts):
  // a runaway scale-out stops at half the account's room.
  maxKpus: 32,
  behindMs: 60_000,
  outPeriods: 3,
  caughtUpMs: 1_000,
  lowCpuPercent: 25,
  inPeriods: 6,
  cooldownMinutes: 10,
};

/**
 * What the stack may set the scale-out trigger to: at least a second behind (less is noise:
 * the metric is sampled), at most an hour; 1 to 60 one-minute periods. Config keys and the
 * function's environment both check against these.
 */
export const FLINK_SCALING_RANGES = {
  behindMs: { min: 1_000, max: 3_600_000 },
  outPeriods: { min: 1, max: 60 },
} as const;

export interface FlinkAppState {
  /** ApplicationStatus from DescribeApplication: RUNNING, UPDATING, STARTING, ... */
  status: string;
  parallelism: number;
  parallelismPerKpu: number;
  /** When the scaler (or anyone) last changed the application, epoch ms. */
  lastChangeAt?: number;
  now: number;
}

/**
 * Why the parallelism stays, one code a rule, as the shard policy's holds: a reason's text
 * carries changing figures (the minutes into the cooldown), a code does not. "steady" is no
 * refusal: neither behind nor idle long enough. One cooldown for both directions: every
 * change restarts the job.
 */
export type FlinkHold = "not-running" | "steady" | "at-max" | "at-min" | "cooldown";

export type FlinkDecision =
  | { action: "scale-out" | "scale-in"; from: number; to: number; reason: string }
  | { action: "none"; code: FlinkHold; from: number; reason: string };

export function kpus(parallelism: number, parallelismPerKpu: number): number {
  return Math.ceil(parallelism / parallelismPerKpu);
}

/** `periods` newest last. */
export function decideFlinkScaling(
  periods: readonly FlinkPeriod[],
  app: FlinkAppState,
  config: FlinkScalingConfig,
): FlinkDecision {
  const from = app.parallelism;
  const hold = (code: FlinkHold, reason: string): FlinkDecision => ({ action: "none", code, from, reason });
  if (app.status !== "RUNNING") {
    return hold("not-running", `application is ${app.status}: only a RUNNING application is scaled`);
  }
  const sinceChange = app.lastChangeAt === undefined ? Infinity : (app.now - app.lastChangeAt) / 60_000;
  const cooldown = (what: string) =>
    hold("cooldown", `${what} but in cooldown (${sinceChange.toFixed(1)} of ${config.cooldownMinutes} min)`);
  const last = (n: number) => (periods.length >= n ? periods.slice(-n) : undefined);

  const behind = last(config.outPeriods);
  if (behind?.every((p) => (p.millisBehindLatest ?? 0) > config.behindMs)) {
    const byKpus = config.maxKpus * app.parallelismPerKpu;
    const to = Math.min(from * 2, config.maxParallelism, byKpus);
    const what = `behind > ${config.behindMs} ms for ${config.outPeriods} periods`;
    if (to <= from) {
      return hold(
        "at-max",
        `${what} but at the limit (maxParallelism ${config.maxParallelism}, ${config.maxKpus} KPUs = ${byKpus})`,
      );
    }
    if (sinceChange < config.cooldownMinutes) return cooldown(what);
    return {
      action: "scale-out",
      from,
      to,
      reason: `${what}: ${kpus(from, app.parallelismPerKpu)} -> ${kpus(to, app.parallelismPerKpu)} KPUs`,
    };
  }

  const quiet = last(config.inPeriods);
  if (
    quiet?.every(
      (p) =>
        // A minute without both data points is no evidence of idling: it counts against a scale-in.
        p.millisBehindLatest !== undefined &&
        p.millisBehindLatest < config.caughtUpMs &&
        p.cpuPercent !== undefined &&
        p.cpuPercent < config.lowCpuPercent,
    )
  ) {
    const to = Math.max(Math.ceil(from / 2), config.minParallelism);
    const what = `caught up (< ${config.caughtUpMs} ms) with CPU < ${config.lowCpuPercent}% for ${config.inPeriods} periods`;
    if (to >= from) return hold("at-min", `${what}, already at minParallelism ${config.minParallelism}`);
    if (sinceChange < config.cooldownMinutes) return cooldown(what);
    return { action: "scale-in", from, to, reason: what };
  }
  return hold("steady", "neither behind nor idle long enough");
}
