/**
 * A record's parsed JSON as the HotspotTrip the engine reads, the way the Flink job's
 * source table reads it (flink-sql.ts): the six fields the job uses, times from their RFC
 * 3339 strings, coordinates as Flink's `json` format reads a DOUBLE (flink-json-double.ts).
 * A field missing or unreadable becomes NaN, and the engine skips the trip and counts why
 * (usable-trip.ts), as the job does with its row. Other fields are not read: a later
 * BACKWARD-compatible schema version may add some, and the job still reads its trips.
 */
import { flinkJsonDouble } from "./flink-json-double";
import { HotspotTrip } from "./trip";
import { readTripTime } from "./usable-trip";

/**
 * The trip, or undefined when `event` is not a JSON object: Flink's `json` format drops
 * such a record before it is a row (JsonParserRowDataDeserializationSchema.deserialize
 * returns null with 'json.ignore-parse-errors'), so only the local job can count it.
 */
export function tripFromEvent(event: unknown): HotspotTrip | undefined {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return undefined;
  const e = event as Record<string, unknown>;
  return {
    pickupTime: readTripTime(e.pickupTime),
    pickupLon: flinkJsonDouble(e.pickupLongitude),
    pickupLat: flinkJsonDouble(e.pickupLatitude),
    dropoffTime: readTripTime(e.dropoffTime),
    dropoffLon: flinkJsonDouble(e.dropoffLongitude),
    dropoffLat: flinkJsonDouble(e.dropoffLatitude),
  };
}
