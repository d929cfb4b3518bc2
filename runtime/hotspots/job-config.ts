/**
 * The hot-spot job's settings: the same values drive the Flink SQL (flink-sql.ts) and the
 * TypeScript engine (engine.ts), so the two can be compared on the shipped data.
 */
import { Parser } from "../common/setting";

/** A longitude/latitude rectangle (WGS 84), edges included. */
export interface BoundingBox {
  readonly west: number;
  readonly east: number;
  readonly south: number;
  readonly north: number;
}

/**
 * New York City, as the AWS reference application for this analysis draws it
 * (aws-samples/amazon-kinesis-analytics-taxi-consumer, utils/GeoUtils.java: NYC =
 * (40.878,-74.054)..(40.560,-73.722)). It covers Manhattan, the Bronx, Brooklyn, Queens and
 * both airports but cuts off Staten Island and the outer edges, which have few pickups; the
 * shipped 2009 sample (lon -74.2286..-73.7628, lat 40.5469..40.8946) has rows outside it.
 */
export const NYC_BOX: BoundingBox = { west: -74.054, east: -73.722, south: 40.56, north: 40.878 };

/**
 * The airports whose average trip duration the job reports, from the same reference
 * application (GeoUtils.java: JFK = (40.654,-73.800)..(40.632,-73.761), LGA =
 * (40.778,-73.881)..(40.766,-73.859)): the terminal areas, not the whole airfield, so a
 * drop-off inside means a trip to the airport.
 */
export const AIRPORTS: Readonly<Record<"JFK" | "LGA", BoundingBox>> = {
  JFK: { west: -73.8, east: -73.761, south: 40.632, north: 40.654 },
  LGA: { west: -73.881, east: -73.859, south: 40.766, north: 40.778 },
};

export type AirportCode = keyof typeof AIRPORTS;

export interface JobConfig {
  /** Size of the tumbling windows, aligned to the epoch (UTC). */
  readonly windowMinutes: number;
  /** Geohash length of a cell: 6 is about 1.2 km x 0.6 km at New York's latitude. */
  readonly geohashPrecision: number;
  /** A cell is a hot spot in a window when at least this many pickups fall in it. */
  readonly minTrips: number;
  /** The watermark trails the latest pickup time seen by this much. */
  readonly outOfOrdernessSeconds: number;
}

/**
 * Defaults measured on data/nyc-taxi/yellow_tripdata_2009-01_10k.csv, a sparse sample
 * (10,000 trips over 31 days, about 13.6 per hour):
 * - 60-minute windows at precision 6 (733 windows) have at most 5 pickups in a cell, and
 *   with minTrips 2 the median window shows 1 hot spot, with minTrips 3 none: no map.
 * - 360-minute windows at precision 6 with minTrips 3 (the defaults): 125 windows, 114 of
 *   them with hot spots, median 11 and at most 35 hot spots per window, 1,230 in all: a
 *   handful to a few dozen cells, and the map still moves with the time of day.
 * - For comparison, 1-day windows with minTrips 5 give median 27, at most 42, 32 windows.
 * On the full TLC month (about 14 million trips) 60-minute windows would be the natural
 * choice; the options exist for that.
 * Out-of-orderness of 5 minutes covers replays that interleave shards and producers; the
 * shipped file is not in time order at all, so streamed in file order nearly every row is
 * late (the CLI's --streaming summary shows it), while the replay sends trips in time order.
 */
export const JOB_DEFAULTS: JobConfig = {
  windowMinutes: 360,
  geohashPrecision: 6,
  minTrips: 3,
  outOfOrdernessSeconds: 300,
};

/** What a user can set, and what is allowed (used in messages and --help). */
export const JOB_LIMITS = {
  windowMinutes: "an integer from 1 to 1440 that divides 1440 (windows tile a day)",
  geohashPrecision: "an integer from 1 to 12 (geohash length)",
  minTrips: "an integer from 1 to 1000000",
  outOfOrdernessSeconds: "an integer from 0 to 86400",
} as const satisfies Record<keyof JobConfig, string>;

export class JobConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid hot-spot job settings: ${problems.join("; ")}`);
    this.name = "JobConfigError";
  }
}

const RULES: Record<keyof JobConfig, (n: number) => boolean> = {
  windowMinutes: (n) => isIntegerIn(n, 1, 1440) && 1440 % n === 0,
  geohashPrecision: (n) => isIntegerIn(n, 1, 12),
  minTrips: (n) => isIntegerIn(n, 1, 1_000_000),
  outOfOrdernessSeconds: (n) => isIntegerIn(n, 0, 86_400),
};

/** The defaults overridden by `overrides`; throws JobConfigError naming every bad value. */
export function jobConfig(overrides: Partial<JobConfig> = {}): JobConfig {
  const config: JobConfig = { ...JOB_DEFAULTS, ...overrides };
  const problems = (Object.keys(RULES) as (keyof JobConfig)[])
    .filter((key) => !RULES[key](config[key]))
    .map((key) => `${key} is ${String(config[key])}, allowed: ${JOB_LIMITS[key]}`);
  if (problems.length > 0) throw new JobConfigError(problems);
  return config;
}

/**
 * One of the job's settings as text (a config key, an environment variable): allowed
 * exactly when jobConfig accepts it, so the job's rules stay here.
 */
export function jobSetting(key: keyof JobConfig): Parser<number> {
  return {
    allowed: JOB_LIMITS[key],
    // Number("") is 0 and Number("1e1") is 10: only plain integers are what a user meant.
    parse: (text) => (/^-?\d+$/.test(text) && RULES[key](Number(text)) ? Number(text) : undefined),
  };
}

function isIntegerIn(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

/** Edges included, as the SQL's BETWEEN. */
export function insideBox(box: BoundingBox, lon: number, lat: number): boolean {
  return lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north;
}
