/**
 * Managed Service for Apache Flink facts the analytics config is checked against, with
 * where each comes from: one place for the config keys and the component.
 * https://docs.aws.amazon.com/managed-flink/latest/java/limits.html
 * https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_ParallelismConfiguration.html
 */
export const FLINK_LIMITS = {
  /** ParallelismPerKPU: 1..8 parallel tasks per KPU (1 vCPU, 4 GiB). */
  maxParallelismPerKpu: 8,
  /** KPUs per application without a quota increase. */
  maxKpus: 64,
} as const;

/** Checkpoints every minute, as the reference application: a restart replays at most that. */
export const CHECKPOINT_INTERVAL_MS = 60_000;
export const MIN_PAUSE_BETWEEN_CHECKPOINTS_MS = 5_000;
