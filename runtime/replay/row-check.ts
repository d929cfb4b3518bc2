/**
 * Which rows the replay sends: a row that cannot be a real trip is skipped and counted by
 * reason, never sent (consumers would otherwise see taxis at 0°N 0°E or trips that end
 * before they start). Pure, so a table of real rows tests it.
 */
import { Layout } from "./layouts";
import { readTrip, TlcRow, TripFields, TripParseError } from "./trip-event";

/**
 * New York City's bounding box: about the extent of the five boroughs (NYC Department of
 * City Planning borough boundaries, NYC Open Data), to two decimals. Every pickup of both
 * shipped samples lies inside (data/README.md).
 */
export const NYC_BOUNDS = {
  minLongitude: -74.26,
  maxLongitude: -73.7,
  minLatitude: 40.49,
  maxLatitude: 40.92,
} as const;

/** Why a row was skipped, in the order they are checked (a row counts once, for the first). */
export const SKIP_REASONS = [
  "unparsable",
  "zero-coordinates",
  "outside-nyc",
  "negative-fare",
  "dropoff-before-pickup",
] as const;
export type RowSkipReason = (typeof SKIP_REASONS)[number];

export type RowVerdict = { kind: "trip"; trip: TripFields } | { kind: "skip"; reason: RowSkipReason; detail: string };

function skip(reason: RowSkipReason, detail: string): RowVerdict {
  return { kind: "skip", reason, detail };
}

function inNyc(longitude: number, latitude: number): boolean {
  const b = NYC_BOUNDS;
  return (
    longitude >= b.minLongitude && longitude <= b.maxLongitude && latitude >= b.minLatitude && latitude <= b.maxLatitude
  );
}

export function classifyRow(row: TlcRow, layout: Layout): RowVerdict {
  let trip: TripFields;
  try {
    trip = readTrip(row, layout);
  } catch (error) {
    if (error instanceof TripParseError) return skip("unparsable", error.message);
    throw error;
  }
  const ends = [
    ["pickup", trip.pickupLongitude, trip.pickupLatitude],
    ["dropoff", trip.dropoffLongitude, trip.dropoffLatitude],
  ] as const;
  // 0/0 is how TLC meters record "no GPS fix": a reason of its own, it is most of the dirt.
  for (const [end, longitude, latitude] of ends) {
    if (longitude === 0 && latitude === 0) return skip("zero-coordinates", `${end} at 0/0`);
  }
  for (const [end, longitude, latitude] of ends) {
    if (!inNyc(longitude, latitude)) return skip("outside-nyc", `${end} at ${longitude}/${latitude}`);
  }
  if (trip.fareAmount < 0) return skip("negative-fare", `fare ${trip.fareAmount}`);
  if (trip.dropoffMs < trip.pickupMs) return skip("dropoff-before-pickup", "dropoff before pickup");
  return { kind: "trip", trip };
}
