/**
 * The rules of usable-trip.ts as Flink SQL expressions over the source table's columns, so
 * that no record content can stop the job. What can throw or mislead in Flink 1.20, and how
 * each is kept from doing so:
 * - a NULL rowtime: WatermarkAssignerOperator.processElement throws "RowTime field should not
 *   be null" (flink-table-runtime), and a restored job meets the record again, for ever. The
 *   rowtime is a CASE that is never NULL: the pickup time for a usable trip, else
 *   UNUSABLE_ROWTIME, a millisecond before 1970, which never raises the watermark (it is the
 *   maximum of the rowtimes) and which USABLE_ROW filters out before any window;
 * - UNIX_TIMESTAMP(string, format) on a string its SimpleDateFormat cannot parse returns
 *   Long.MIN_VALUE and logs the exception at ERROR (DateTimeUtils.unixTimestamp,
 *   internalParseTimestampMillis), and times 1000 wraps it to 0: a wrong time, and a stack
 *   trace per record. Only strings REGEXP has matched against RFC_3339_BODY are parsed (AND
 *   and CASE evaluate left to right and stop early in Flink's generated code);
 * - TO_TIMESTAMP_LTZ(n, 3) is NULL outside the years 0000..9999 (DateTimeUtils
 *   .toTimestampData), a NULL rowtime again: only bounded epochs reach it;
 * - far-future times: a row's rowtime raises the watermark before any WHERE, so the bound
 *   (FUTURE_TOLERANCE_SECONDS after UNIX_TIMESTAMP(), the clock, read per record) is part of
 *   the rowtime's CASE, not of a filter;
 * - BIGINT arithmetic wraps silently in Java; the only arithmetic is the difference of two
 *   bounded epochs. There is no division but AVG's (over at least one row), no cast that can
 *   fail, and the Python UDFs return NULL instead of raising (udf/hotspot_udfs.py).
 */
import {
  EARLIEST_TIME_MS,
  FUTURE_TOLERANCE_SECONDS,
  LATITUDE_RANGE,
  LONGITUDE_RANGE,
  RFC_3339_BODY,
  TripProblem,
} from "./usable-trip";

/** The source table's columns the rules read: schemas/taxi-trip.json's names. */
export const TRIP_COLUMNS = {
  pickupTime: "STRING",
  dropoffTime: "STRING",
  pickupLongitude: "DOUBLE",
  pickupLatitude: "DOUBLE",
  dropoffLongitude: "DOUBLE",
  dropoffLatitude: "DOUBLE",
} as const;

type TimeColumn = "pickupTime" | "dropoffTime";

/** UNIX_TIMESTAMP's format for RFC 3339 with an offset or Z, whole seconds. */
const TIME_FORMAT = "'yyyy-MM-dd''T''HH:mm:ssXXX'";
/** Java's \z: the end of the input (its $ also matches before a final line break). */
const READABLE_TIME = `'^${RFC_3339_BODY}\\z'`;
const EARLIEST_SECONDS = EARLIEST_TIME_MS / 1000;
const LATEST_SECONDS = `UNIX_TIMESTAMP() + ${FUTURE_TOLERANCE_SECONDS}`;

/** The rowtime of a row whose trip is not usable: before every usable time. */
export const UNUSABLE_ROWTIME = `TO_TIMESTAMP_LTZ(${EARLIEST_TIME_MS - 1}, 3)`;
/** The condition that keeps the usable trips (rowtime is the source table's pickup_ts). */
export const USABLE_ROW = (rowtime: string) => `${rowtime} >= TO_TIMESTAMP_LTZ(${EARLIEST_TIME_MS}, 3)`;
export const UNUSABLE_ROW = (rowtime: string) => `${rowtime} < TO_TIMESTAMP_LTZ(${EARLIEST_TIME_MS}, 3)`;

const readable = (column: TimeColumn) => `REGEXP(\`${column}\`, ${READABLE_TIME})`;

/** Whole seconds: the fraction goes before parsing, as readTripTime drops it. */
const epochSeconds = (column: TimeColumn) =>
  `UNIX_TIMESTAMP(REGEXP_REPLACE(\`${column}\`, '\\.\\d+', ''), ${TIME_FORMAT})`;

const inRange = (column: keyof typeof TRIP_COLUMNS, range: { min: number; max: number }) =>
  `\`${column}\` BETWEEN ${range.min} AND ${range.max}`;

/** Each rule's conditions, in TRIP_PROBLEMS order; the readable checks come before any parse. */
const RULES: Record<TripProblem, string[]> = {
  time: [
    readable("pickupTime"),
    readable("dropoffTime"),
    `${epochSeconds("pickupTime")} >= ${EARLIEST_SECONDS}`,
    `${epochSeconds("dropoffTime")} >= ${EARLIEST_SECONDS}`,
  ],
  position: [
    inRange("pickupLongitude", LONGITUDE_RANGE),
    inRange("pickupLatitude", LATITUDE_RANGE),
    inRange("dropoffLongitude", LONGITUDE_RANGE),
    inRange("dropoffLatitude", LATITUDE_RANGE),
  ],
  future: [`${epochSeconds("pickupTime")} <= ${LATEST_SECONDS}`, `${epochSeconds("dropoffTime")} <= ${LATEST_SECONDS}`],
};

const all = (conditions: string[], indent: string) => conditions.join(`\n${indent}AND `);

/** pickup_ts: the pickup time of a usable trip, else UNUSABLE_ROWTIME; never NULL. */
export function rowtimeExpression(indent: string): string {
  const usable = all([...RULES.time, ...RULES.position, ...RULES.future], `${indent}    `);
  return [
    "CASE",
    `${indent}  WHEN ${usable}`,
    `${indent}  THEN TO_TIMESTAMP_LTZ(${epochSeconds("pickupTime")} * 1000, 3)`,
    `${indent}  ELSE ${UNUSABLE_ROWTIME}`,
    `${indent}END`,
  ].join("\n");
}

/** trip_seconds: whole seconds from pickup to dropoff, NULL unless both times are readable. */
export function tripSecondsExpression(indent: string): string {
  return [
    "CASE",
    `${indent}  WHEN ${readable("pickupTime")}`,
    `${indent}    AND ${readable("dropoffTime")}`,
    `${indent}  THEN ${epochSeconds("dropoffTime")} - ${epochSeconds("pickupTime")}`,
    `${indent}END`,
  ].join("\n");
}

/**
 * The TripProblem of an unusable row (one UNUSABLE_ROW holds for): the first rule that does
 * not hold, NULL counted as failing; what is left is the clock's bound. The clock is not read
 * again, so a row at the bound cannot be counted as usable here.
 */
export function problemExpression(indent: string): string {
  const fails = (problem: TripProblem) =>
    `${indent}  WHEN NOT COALESCE(${all(RULES[problem], `${indent}    `)}, FALSE) THEN '${problem}'`;
  return ["CASE", fails("time"), fails("position"), `${indent}  ELSE 'future'`, `${indent}END`].join("\n");
}
