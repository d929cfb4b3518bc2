/**
 * TLC trip records hold New York wall-clock times without an offset; the taxi-trip schema
 * wants RFC 3339 with the offset. Pure functions with the US rule since 2007 (Energy Policy
 * Act of 2005): daylight time from the second Sunday of March, 02:00 local, to the first
 * Sunday of November, 02:00 local. TLC files start in 2009, so the older rule is not needed;
 * no time-zone database is involved, so the result never depends on the machine.
 */

const HOUR_MS = 3_600_000;
const EST_OFFSET_HOURS = -5;
const EDT_OFFSET_HOURS = -4;
const TLC_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** The day of month of the n-th Sunday of a month (month 0-based). */
function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + 7 * (n - 1);
}

/** The UTC instants daylight time starts and ends in `year`. */
function daylightSpan(year: number): { startMs: number; endMs: number } {
  // 02:00 EST is 07:00 UTC; 02:00 EDT is 06:00 UTC.
  const startMs = Date.UTC(year, 2, nthSunday(year, 2, 2), 2 - EST_OFFSET_HOURS);
  const endMs = Date.UTC(year, 10, nthSunday(year, 10, 1), 2 - EDT_OFFSET_HOURS);
  return { startMs, endMs };
}

/** New York's offset from UTC, in hours, at a UTC instant. */
export function newYorkOffsetHours(epochMs: number): number {
  const { startMs, endMs } = daylightSpan(new Date(epochMs).getUTCFullYear());
  return epochMs >= startMs && epochMs < endMs ? EDT_OFFSET_HOURS : EST_OFFSET_HOURS;
}

/**
 * "2009-01-24 16:18:23" (New York local time, as TLC writes it) to epoch ms; undefined when
 * it is not such a time. In the repeated hour of November the first (daylight) reading wins.
 */
export function parseNewYorkTime(local: string): number | undefined {
  const match = TLC_TIME.exec(local);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(asUtc);
  // Date.UTC rolls over (month 13, Feb 30): such a time is not a real one.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const daylight = asUtc - EDT_OFFSET_HOURS * HOUR_MS;
  return newYorkOffsetHours(daylight) === EDT_OFFSET_HOURS ? daylight : asUtc - EST_OFFSET_HOURS * HOUR_MS;
}

/** Epoch ms to RFC 3339 with New York's offset, e.g. "2009-01-24T16:18:23-05:00". */
export function formatNewYorkTime(epochMs: number): string {
  const offset = newYorkOffsetHours(epochMs);
  const local = new Date(epochMs + offset * HOUR_MS).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  return `${local}${sign}${String(Math.abs(offset)).padStart(2, "0")}:00`;
}
