/**
 * A taxi-trip event (schemas/taxi-trip.json, as runtime/replay/trip-event.ts writes it) as
 * the HotspotTrip the engine reads. Only the six fields the job uses are checked, not the
 * whole schema: a later BACKWARD-compatible version may add fields, and the job still
 * reads its trips.
 */
import { HotspotTrip } from "./trip";

/** RFC 3339 with an offset, as the schema's date-time: Date.parse alone takes many other forms. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** The trip, or undefined when `event` is not a taxi-trip event (another kind of record). */
export function tripFromEvent(event: unknown): HotspotTrip | undefined {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return undefined;
  const e = event as Record<string, unknown>;
  const trip: HotspotTrip = {
    pickupTime: epochMs(e.pickupTime),
    pickupLon: e.pickupLongitude as number,
    pickupLat: e.pickupLatitude as number,
    dropoffTime: epochMs(e.dropoffTime),
    dropoffLon: e.dropoffLongitude as number,
    dropoffLat: e.dropoffLatitude as number,
  };
  // typeof first: Number.isFinite is false for a numeric string, which is what we want.
  return Object.values(trip).every((value) => typeof value === "number" && Number.isFinite(value)) ? trip : undefined;
}

function epochMs(time: unknown): number {
  return typeof time === "string" && RFC_3339.test(time) ? Date.parse(time) : NaN;
}
