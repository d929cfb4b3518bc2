/**
 * Where a lake writer's shard progress stands, and when it publishes it (progress.ts,
 * EXACTLY-ONCE.md "Progress"): `storedBefore` W says every record of the shard that
 * arrived before W is in a stored segment. Two pure steps: what an event of the writer
 * makes W, and whether the writer publishes now.
 */
import { ShardProgress } from "./progress";

/** What the writer learns W from. Times are milliseconds since the epoch. */
export type ProgressEvent =
  /**
   * A segment's objects are stored and its checkpoint passed. `nextArrival`: the first record
   * read beyond its end (it opens the next segment), when there is one.
   */
  | { kind: "segment-stored"; lastArrival: number; nextArrival?: number }
  /**
   * A read at the tip had nothing to process (MillisBehindLatest 0), fetched at or after
   * `readAt` (FetchedBatch.fetchedAt); `segmentOpen`: the writer still buffers records read before it.
   */
  | { kind: "caught-up"; readAt: number; segmentOpen: boolean };

/**
 * W after `event`, from `known` (undefined: nothing known yet). Records of a shard reach the
 * stream in sequence order, so their arrival times only grow along the shard (up to the
 * approximation of ApproximateArrivalTimestamp, which the compactor's slack covers):
 * - a stored segment with records read beyond it: every record before the first of those is
 *   stored, so W is that record's arrival;
 * - a stored segment with nothing read beyond it: W is its last record's arrival (the
 *   records after it arrived no earlier);
 * - a read at the tip with no segment open: everything the shard held when the read began is
 *   read and stored, so W is the time the read began; with a segment open, nothing changes.
 * W never moves backward.
 */
export function storedBeforeAfter(known: number | undefined, event: ProgressEvent): number | undefined {
  let next: number | undefined;
  if (event.kind === "segment-stored") next = event.nextArrival ?? event.lastArrival;
  else if (!event.segmentOpen) next = event.readAt;
  if (next === undefined) return known;
  return known === undefined ? next : Math.max(known, next);
}

/** What the writer last published for its shard. */
export interface PublishedProgress {
  storedBefore?: number;
  shardEnded: boolean;
  /** When it was written (the writer's clock). */
  at: number;
}

export interface ProgressState {
  shardId: string;
  /** W as the writer knows it (storedBeforeAfter over its events). */
  known?: number;
  /** The shard was read to its end, every segment stored and SHARD_END checkpointed. */
  shardEnded: boolean;
  /** Another worker holds the lease: this writer publishes nothing more. */
  leaseLost: boolean;
  published?: PublishedProgress;
}

/**
 * The progress object to write now, or undefined. Never after the lease is lost; at once
 * when the shard ended (the compactor waits on every shard, an ended one too); otherwise
 * when W moved past what was published and `intervalMs` passed since the last write (the
 * first W at once).
 */
export function progressToPublish(state: ProgressState, now: number, intervalMs: number): ShardProgress | undefined {
  if (state.leaseLost) return undefined;
  const { published, known } = state;
  const progress = (): ShardProgress => ({
    shardId: state.shardId,
    storedBefore: known === undefined ? null : new Date(known).toISOString(),
    shardEnded: state.shardEnded,
    writtenAt: new Date(now).toISOString(),
  });
  if (state.shardEnded) return published?.shardEnded ? undefined : progress();
  if (known === undefined) return undefined;
  if (!published) return progress();
  if (published.storedBefore !== undefined && known <= published.storedBefore) return undefined;
  return now - published.at >= intervalMs ? progress() : undefined;
}
