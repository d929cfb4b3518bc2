/**
 * What makes a trip usable by the hot-spot job: one definition, which the TypeScript engine
 * applies to its trips (engine.ts) and flink-sql.ts renders into the Flink job's source
 * table. A trip that fails it is skipped and counted by the first problem found, in the
 * order of TRIP_PROBLEMS, never allowed to stop the job or to move its watermark.
 */
import { HotspotTrip } from "./trip";

/**
 * Why a trip was skipped, in the order the rules are checked (the Flink job's reason is a
 * CASE in the same order): the engine's stats, the Flink job's `skippedTrips` metric.
 */
export const TRIP_PROBLEMS = {
  time: "a pickup or dropoff time missing, not RFC 3339 (whole or fractional seconds, Z or an offset), or before 1970",
  position: "a coordinate missing, not a number, or outside WGS 84 (longitude -180..180, latitude -90..90)",
  future: "a pickup or dropoff time later than the job's clock plus FUTURE_TOLERANCE_SECONDS",
} as const;

export type TripProblem = keyof typeof TRIP_PROBLEMS;

/**
 * How far ahead of the job's clock a trip's times may be. A trip cannot end after the
 * present: a later time is a wrong clock or a wrong offset, and one such record would move
 * the watermark there and make every trip after it late (a pickup in 2100 would stall the
 * map until 2100). With this bound the watermark never passes the clock plus 5 minutes
 * minus the out-of-orderness: with the default out-of-orderness (also 300 s) no trip that
 * arrives in real time is ever late because of another trip's claim. 5 minutes covers a
 * producer whose clock runs ahead; hosts synchronised by NTP differ by far less.
 * A replay at speedup s runs ahead of the clock once it has replayed (now - first pickup)
 * in event time: the 2009 sample at 3600x, looped, after about two days.
 */
export const FUTURE_TOLERANCE_SECONDS = 300;

/** The earliest usable time: the Unix epoch, so that Java's and JavaScript's calendars agree. */
export const EARLIEST_TIME_MS = 0;

export const LONGITUDE_RANGE = { min: -180, max: 180 } as const;
export const LATITUDE_RANGE = { min: -90, max: 90 } as const;

/**
 * RFC 3339 date-time, as schemas/taxi-trip.json's times ("2009-01-24T16:18:23-05:00"),
 * field by field in range (month 01-12, day 01-31, hour 00-23, minute and second 00-59);
 * an impossible day such as 02-31 rolls over into the next month, as Java's lenient
 * SimpleDateFormat (Flink's UNIX_TIMESTAMP) and Date.UTC both do. Without anchors: Java's
 * `$` also matches before a final line break, so each side adds its own end anchor.
 */
export const RFC_3339_BODY =
  "(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):([0-5]\\d):([0-5]\\d)(\\.\\d+)?(Z|([+-])([01]\\d|2[0-3]):([0-5]\\d))";
const RFC_3339 = new RegExp(`^${RFC_3339_BODY}$`);

/**
 * A trip time as epoch milliseconds in whole seconds (a fraction is dropped, as the Flink
 * job drops it before UNIX_TIMESTAMP, which reads whole seconds), or NaN when `text` is not
 * an RFC 3339 string (Flink reads a JSON number or object in a STRING column as its text,
 * which no RFC 3339 pattern matches).
 */
export function readTripTime(text: unknown): number {
  if (typeof text !== "string") return NaN;
  const m = RFC_3339.exec(text);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offsetMinutes = m[8] === "Z" ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, 0);
  return t.getTime() - offsetMinutes * 60_000;
}

/** The first problem of `trip` in TRIP_PROBLEMS order, or undefined when the job counts it. */
export function tripProblem(trip: HotspotTrip, clockMs: number): TripProblem | undefined {
  const times = [trip.pickupTime, trip.dropoffTime];
  if (!times.every((t) => Number.isFinite(t) && t >= EARLIEST_TIME_MS)) return "time";
  const positions: [number, { min: number; max: number }][] = [
    [trip.pickupLon, LONGITUDE_RANGE],
    [trip.pickupLat, LATITUDE_RANGE],
    [trip.dropoffLon, LONGITUDE_RANGE],
    [trip.dropoffLat, LATITUDE_RANGE],
  ];
  // NaN fails both comparisons, as it fails Flink's BETWEEN.
  if (!positions.every(([value, range]) => value >= range.min && value <= range.max)) return "position";
  if (!times.every((t) => t <= clockMs + FUTURE_TOLERANCE_SECONDS * 1000)) return "future";
  return undefined;
}
