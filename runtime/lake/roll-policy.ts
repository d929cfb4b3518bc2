/**
 * When the writer cuts the open segment of a shard: big enough for Athena (few large
 * objects), or old enough that rows are not held back longer than the roll time under light
 * load. The cut itself is then fixed for every later reader by the segment's claim
 * (EXACTLY-ONCE.md): this decision need not be the same on two workers.
 */
export interface RollSettings {
  /** Cut once the segment's records hold this many bytes of data (the worker's memory budget may cut sooner). */
  maxBytes: number;
  /** Cut once the segment's first record was buffered this long ago. */
  maxAgeMs: number;
}

export interface OpenSegmentState {
  records: number;
  bytes: number;
  /** When its first record was buffered (this worker's clock). */
  openedAt: number;
}

export type RollDecision = "keep" | "size" | "age";

export function rollDecision(segment: OpenSegmentState, settings: RollSettings, now: number): RollDecision {
  if (segment.records === 0) return "keep";
  if (segment.bytes >= settings.maxBytes) return "size";
  if (now - segment.openedAt >= settings.maxAgeMs) return "age";
  return "keep";
}

/**
 * Segments a shard cuts per hour under a steady load of `bytesPerSecond` (its records' data):
 * by size when the roll size fills before the roll time, else by age. Each segment writes one
 * claim and one object per table, tenant and hour in it (EXACTLY-ONCE.md), so this is what
 * the lake's PUT requests and object sizes follow (`npm run cost`, bench/).
 */
export function segmentsPerHour(bytesPerSecond: number, settings: RollSettings): number {
  if (bytesPerSecond <= 0) return 0;
  const secondsToFill = settings.maxBytes / bytesPerSecond;
  return 3600 / Math.min(secondsToFill, settings.maxAgeMs / 1000);
}
