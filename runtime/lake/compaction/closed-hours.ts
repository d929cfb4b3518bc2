/**
 * Which hours are closed: no object for them can appear any more, so their segment objects
 * can be merged once and for all. Each shard's writer publishes how far its records are
 * stored (../progress.ts); an hour is closed once every shard of the stream, open or closed,
 * is past its end by the slack (arrival times are the stream's and only approximately in
 * sequence order: compactor-contract.ts COMPACTION_DEFAULTS.closeSlackSeconds). The
 * compactor reads the progress first and lists the hour's objects after: whatever the
 * progress promised stored is then in the listing.
 */
import { hourKey, TimePartition, timePartitionOf } from "../object-keys";
import { ShardProgress } from "../progress";

export const HOUR_MS = 3_600_000;

/** The hour key of a time in ms (the hour it falls in). */
export function hourKeyOf(time: number): string {
  return hourKey(timePartitionOf(new Date(time)));
}
const HOUR_KEY = /^(\d{4}-\d{2}-\d{2}) (\d{2})$/;

/** The start of the hour `time` falls in. */
export function floorHour(time: number): number {
  return Math.floor(time / HOUR_MS) * HOUR_MS;
}

/** An hour key (`YYYY-MM-DD HH`, object-keys.ts hourKey) as the time its hour starts. */
export function hourStart(key: string): number {
  const m = HOUR_KEY.exec(key);
  const time = m ? Date.parse(`${m[1]}T${m[2]}:00:00Z`) : NaN;
  if (Number.isNaN(time) || hourKeyOf(time) !== key) {
    throw new Error(`an hour is "YYYY-MM-DD HH" (UTC), got ${JSON.stringify(key)}`);
  }
  return time;
}

/** An hour key as the partition it names (`date=<d>/hour=<h>/` in keys). */
export function hourPartition(key: string): TimePartition {
  return timePartitionOf(new Date(hourStart(key)));
}

/** The hour key `count` hours after the hour `key`. */
export function addHours(key: string, count: number): string {
  return hourKeyOf(hourStart(key) + count * HOUR_MS);
}

/**
 * The first hour that is not closed, as an hour key: every hour before it is closed. None
 * (undefined) while some shard has no progress yet, or the stream has no shard: nothing is
 * known closed then. A shard that ended (read to its end and stored) holds nothing back;
 * `now` bounds the rest, so a stream whose shards have all ended (being deleted) never
 * closes hours that have not happened yet.
 */
export function closedBefore(
  shardIds: readonly string[],
  progress: ReadonlyMap<string, ShardProgress>,
  slackMs: number,
  now: number,
): string | undefined {
  if (shardIds.length === 0) return undefined;
  let storedBefore = now;
  for (const shardId of shardIds) {
    const p = progress.get(shardId);
    if (p === undefined) return undefined;
    if (p.shardEnded) continue;
    if (p.storedBefore === null) return undefined;
    storedBefore = Math.min(storedBefore, Date.parse(p.storedBefore));
  }
  return hourKeyOf(floorHour(storedBefore - slackMs));
}

/**
 * The hours a run merges, in order: from the first not yet compacted up to (not including)
 * the first not closed, at most `max` of them (a run's time budget ends it sooner anyway;
 * the bound keeps the list small after a long stop).
 */
export function hoursToCompact(compactedBefore: string, closed: string, max: number): string[] {
  const hours: string[] = [];
  for (let h = compactedBefore; h < closed && hours.length < max; h = addHours(h, 1)) hours.push(h);
  return hours;
}

/**
 * Where a lake without a compaction state starts: its earliest hour with any segment object,
 * but never past the first open hour. Hours before the start are read from the (empty)
 * compacted side once the state exists; an open hour may still get its first object, so
 * the start must not pass it.
 */
export function firstHourToCompact(earliestObjectHour: string | undefined, closed: string): string | undefined {
  if (earliestObjectHour === undefined) return undefined;
  return earliestObjectHour < closed ? earliestObjectHour : closed;
}
