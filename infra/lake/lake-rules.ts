/**
 * The rules between the lake's settings, in the words of the stack config: validateConfig
 * lists them with every other problem, and the Lake component refuses what breaks them.
 */
import { outOfBound } from "../../runtime/common/setting";
import { LAKE_DEFAULTS, lakeBufferBytes } from "../../runtime/lake/contract";

/**
 * S3 moves an object to Standard-IA no sooner than 30 days after it was created:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 */
export const STANDARD_IA_MIN_DAYS = 30;

const MIB = 1024 * 1024;

/**
 * A lake task's memory in MiB for each MiB of a segment's roll size: its memory budget
 * (LAKE_BUFFER_BYTES, lakeBufferBytes of the task's memory) must hold one full segment, or
 * every segment is cut for memory before it reaches the roll size and the roll size says
 * nothing. However many leases a worker takes over, the budget bounds what it buffers.
 */
export const TASK_MEMORY_PER_ROLL_MEMORY = 1 / LAKE_DEFAULTS.bufferShareOfMemory;

/** The memory budget the stack gives a lake task of `memoryMiB` (its LAKE_BUFFER_BYTES). */
export function taskBufferBytes(memoryMiB: number): number {
  return lakeBufferBytes(memoryMiB * MIB);
}

/**
 * What Lambda allows a function's memory to be, in MiB:
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (MemorySize).
 */
export const LAMBDA_MEMORY_LIMITS = { min: 128, max: 10_240 } as const;

/**
 * The compactor's memory in MiB for each MiB of a part: a part's Parquet inputs, their rows
 * and the part it writes are held at once (parts are bounded by their inputs' bytes). A
 * floor, not a measurement of real hours (tests cannot run the Lambda on AWS here).
 */
export const COMPACTOR_MEMORY_PER_PART_MEMORY = 4;

export interface LakeRuleInputs {
  lake?: boolean;
  rollMegabytes?: number;
  memory?: number;
  infrequentAccessDays?: number;
  retentionDays?: number;
  /** The stream's retention: a segment can be read again, and its claim is needed, this long. */
  streamRetentionHours?: number;
  compaction?: boolean;
  compactedPartMiB?: number;
  compactorMemory?: number;
}

export function lakeProblems(c: LakeRuleInputs): string[] {
  if (c.lake === false) return [];
  const problems: string[] = [];
  if (c.rollMegabytes !== undefined && c.memory !== undefined) {
    if (taskBufferBytes(c.memory) < c.rollMegabytes * MIB) {
      const needed = Math.ceil(c.rollMegabytes * TASK_MEMORY_PER_ROLL_MEMORY);
      problems.push(
        `${outOfBound("lakeMemory", "at least", `${TASK_MEMORY_PER_ROLL_MEMORY} x lakeRollMegabytes`, needed, c.memory)}: ` +
          `a worker buffers at most ${LAKE_DEFAULTS.bufferShareOfMemory * 100}% of its memory for all its shards, and that must hold one full segment; raise lakeMemory or lower lakeRollMegabytes`,
      );
    }
  }
  if (c.compaction !== false && c.compactedPartMiB !== undefined && c.compactorMemory !== undefined) {
    const needed = c.compactedPartMiB * COMPACTOR_MEMORY_PER_PART_MEMORY;
    if (c.compactorMemory < needed) {
      problems.push(
        `${outOfBound("lakeCompactorMemory", "at least", `${COMPACTOR_MEMORY_PER_PART_MEMORY} x lakeCompactedPartMiB`, needed, c.compactorMemory)}: ` +
          "the compactor holds a part's inputs, their rows and the part at once; raise lakeCompactorMemory or lower lakeCompactedPartMiB",
      );
    }
  }
  if (c.infrequentAccessDays !== undefined && c.infrequentAccessDays < STANDARD_IA_MIN_DAYS) {
    problems.push(
      `lakeInfrequentAccessDays must be at least ${STANDARD_IA_MIN_DAYS} (S3 moves objects to Standard-IA no sooner), got ${c.infrequentAccessDays}; 0 means never`,
    );
  }
  if (
    c.retentionDays !== undefined &&
    c.infrequentAccessDays !== undefined &&
    c.retentionDays <= c.infrequentAccessDays
  ) {
    problems.push(
      `${outOfBound("lakeRetentionDays", "at least", "lakeInfrequentAccessDays + 1", c.infrequentAccessDays + 1, c.retentionDays)}: ` +
        "objects deleted before they move to Standard-IA never move; unset lakeInfrequentAccessDays or keep objects longer",
    );
  }
  if (c.retentionDays !== undefined && c.streamRetentionHours !== undefined) {
    // A segment's claim must outlive every record of the segment in the stream: a worker that
    // re-reads a segment whose claim has expired would write it again (EXACTLY-ONCE.md). The
    // same bound keeps a closed shard's last progress (written once, after the shard closed)
    // until ListShards no longer lists the shard, which is once its records have expired
    // (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListShards.html: "does not
    // list expired shards"); an open shard's progress is rewritten while its writer moves on.
    const streamDays = Math.ceil(c.streamRetentionHours / 24);
    if (c.retentionDays <= streamDays) {
      problems.push(
        `${outOfBound("lakeRetentionDays", "at least", "the stream's retention in days + 1", streamDays + 1, c.retentionDays)}: ` +
          "a segment's claim must outlive its records in the stream, or a re-read writes them twice " +
          "(and a closed shard's progress must outlive the shard, or the compactor waits on it)",
      );
    }
  }
  return problems;
}
