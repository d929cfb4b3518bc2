/**
 * TLC records carry New York wall-clock times without offset ("2009-01-24 16:18:23"); the
 * job needs instants. New York is UTC-5 (EST) or UTC-4 (EDT); the right one is the offset
 * whose instant reads back as the same wall clock in America/New_York. In the hour that
 * repeats in November the earlier instant (EDT) is taken.
 */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

const NEW_YORK = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/New_York",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** Epoch milliseconds of a New York wall-clock time "YYYY-MM-DD HH:MM:SS"; NaN if it is not one. */
export function newYorkTimeToEpochMs(wallClock: string): number {
  const match = WALL_CLOCK.exec(wallClock.trim());
  if (!match) return NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const wanted = `${match[1]}-${match[2]}-${match[3]} ${match[4]}:${match[5]}:${match[6]}`;
  for (const offsetHours of [-4, -5]) {
    const instant = asUtc - offsetHours * 3_600_000;
    if (readBack(instant) === wanted) return instant;
  }
  return NaN; // a time skipped by the spring-forward hour, or not a date at all
}

function readBack(instant: number): string {
  const p = Object.fromEntries(NEW_YORK.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
