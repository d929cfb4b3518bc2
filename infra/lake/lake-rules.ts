/**
 * The rules between the lake's settings, in the words of the stack config: validateConfig
 * lists them with every other problem, and the Lake component refuses what breaks them.
 */
import { outOfBound } from "../../runtime/common/setting";

/**
 * S3 moves an object to Standard-IA no sooner than 30 days after it was created:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 */
export const STANDARD_IA_MIN_DAYS = 30;

/**
 * A worker holds one open segment per shard it leases and encodes a closed one beside it;
 * memory for 4 shards' segments twice over keeps a task that takes over a few leases from
 * running out (the Parquet encoder's copy is the second).
 */
export const SEGMENTS_PER_TASK_MEMORY = 8;

export interface LakeRuleInputs {
  lake?: boolean;
  rollMegabytes?: number;
  memory?: number;
  infrequentAccessDays?: number;
  retentionDays?: number;
  /** The stream's retention: a segment can be read again, and its claim is needed, this long. */
  streamRetentionHours?: number;
}

export function lakeProblems(c: LakeRuleInputs): string[] {
  if (c.lake === false) return [];
  const problems: string[] = [];
  if (c.rollMegabytes !== undefined && c.memory !== undefined) {
    const needed = c.rollMegabytes * SEGMENTS_PER_TASK_MEMORY;
    if (c.memory < needed) {
      problems.push(
        `${outOfBound("lakeMemory", "at least", `${SEGMENTS_PER_TASK_MEMORY} x lakeRollMegabytes`, needed, c.memory)}: ` +
          "a worker holds a segment per leased shard; raise lakeMemory or lower lakeRollMegabytes",
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
    // re-reads a segment whose claim has expired would write it again (EXACTLY-ONCE.md).
    const streamDays = Math.ceil(c.streamRetentionHours / 24);
    if (c.retentionDays <= streamDays) {
      problems.push(
        `${outOfBound("lakeRetentionDays", "at least", "the stream's retention in days + 1", streamDays + 1, c.retentionDays)}: ` +
          "a segment's claim must outlive its records in the stream, or a re-read writes them twice",
      );
    }
  }
  return problems;
}
