/**
 * Fargate task sizes and the other ECS facts the services depend on, in one place.
 * CPU and memory combinations: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */

const steps = (min: number, max: number, step: number) =>
  Array.from({ length: (max - min) / step + 1 }, (_, i) => min + i * step);

/** CPU units -> the memory sizes (MiB) Fargate allows with it. */
export const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16384, 1024),
  4096: steps(8192, 30720, 1024),
  8192: steps(16384, 61440, 4096),
  16384: steps(32768, 122880, 8192),
};

export const FARGATE_CPUS = Object.keys(FARGATE_SIZES).map(Number);

/** What is wrong with a CPU and memory pair, or undefined when Fargate offers it. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const memories = FARGATE_SIZES[cpu];
  if (!memories) return `CPU ${cpu} is not a Fargate size (allowed: ${FARGATE_CPUS.join(", ")})`;
  if (memories.includes(memory)) return undefined;
  const listed =
    memories.length <= 4
      ? memories.join(", ")
      : `${memories[0]}..${memories.at(-1)} in steps of ${memories[1] - memories[0]}`;
  return `with CPU ${cpu}, memory must be ${listed} MiB, got ${memory}`;
}

/** ECS sends SIGTERM, then SIGKILL after this (the task definition's stopTimeout, at most 120 s). */
export const STOP_TIMEOUT_SECONDS = 30;

/** CloudWatch Logs retention periods: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
