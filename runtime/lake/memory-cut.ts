/**
 * Which open segment a lake worker cuts early so that what its shards buffer stays within
 * its memory budget (LAKE_BUFFER_BYTES): the largest one whose end this worker may still
 * choose. Where a segment is cut need not be the same on two workers: its claim fixes it for
 * every later reader (EXACTLY-ONCE.md), so a cut for memory is as good as one by size or age.
 */

/** An open segment of one of the worker's shards, as the budget sees it. */
export interface BufferedSegment {
  shardId: string;
  /** Bytes its items hold in memory (heldBytesOf summed). */
  bytes: number;
  /**
   * open: its end may be chosen now. claimed: a claim ends it beyond what was read, so it
   * must be read on to that end and cannot be cut. storing: a cut of it is in flight; its
   * bytes are freed once its objects are stored.
   */
  state: "open" | "claimed" | "storing";
}

/**
 * What a buffered record holds in memory beyond its data: its item and row as JS objects and
 * strings (position, tenant, partition key, sequence number, the data decoded to text).
 * bench:lake measured about 400 MiB held for a 64 MiB segment of 100 B records, 671,000 rows:
 * about 520 B a row beyond the data; 512 is that, rounded.
 */
export const HELD_BYTES_PER_ROW = 512;

/** What one buffered record counts against the budget: its data and its row's objects. */
export function heldBytesOf(item: { bytes: number }): number {
  return item.bytes + HELD_BYTES_PER_ROW;
}

export type MemoryDecision =
  /** The record fits, or nothing can make room for it (only claimed segments hold bytes). */
  | { kind: "admit" }
  /** Cut this shard's segment first (it may be the record's own). */
  | { kind: "cut"; shardId: string }
  /** Wait for a segment being stored to free its bytes. */
  | { kind: "wait" };

/**
 * What to do before buffering `incoming` bytes when `segments` hold what they hold.
 * - It fits: admit.
 * - Else cut the largest open segment (fewest cuts free the most; ties go to the lowest shard
 *   id, so the choice does not depend on the order segments were listed in). One segment
 *   alone at the budget is that segment: it is cut, and the record opens the next one.
 * - Else, while a cut is in flight, wait for it: its bytes are about to be freed.
 * - Else only claimed segments hold bytes, and each must be read to its claim's end, which
 *   the claiming writer's own roll and budget bounded: admit, over the budget.
 */
export function memoryDecision(segments: readonly BufferedSegment[], incoming: number, budget: number): MemoryDecision {
  const held = segments.reduce((n, s) => n + s.bytes, 0);
  if (held + incoming <= budget) return { kind: "admit" };
  let largest: BufferedSegment | undefined;
  for (const s of segments) {
    if (s.state !== "open" || s.bytes === 0) continue;
    if (!largest || s.bytes > largest.bytes || (s.bytes === largest.bytes && s.shardId < largest.shardId)) largest = s;
  }
  if (largest) return { kind: "cut", shardId: largest.shardId };
  if (segments.some((s) => s.state === "storing" && s.bytes > 0)) return { kind: "wait" };
  return { kind: "admit" };
}
