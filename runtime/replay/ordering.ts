/**
 * TLC files are not in time order; the replay sends in pickup order. Ties keep file order,
 * so a replay of the same file always sends the same sequence.
 */
import { TripFields } from "./trip-event";

/** A trip and where it came from: the row number makes its partition key unique and stable. */
export interface ReplayTrip {
  rowNumber: number;
  trip: TripFields;
}

export function orderByPickup(trips: readonly ReplayTrip[]): ReplayTrip[] {
  return [...trips].sort((a, b) => a.trip.pickupMs - b.trip.pickupMs || a.rowNumber - b.rowNumber);
}
