/**
 * What the hot-spot job reads of a taxi-trip event (schemas/taxi-trip.json): times as epoch
 * milliseconds, positions in WGS 84 degrees.
 */
export interface HotspotTrip {
  readonly pickupTime: number;
  readonly pickupLon: number;
  readonly pickupLat: number;
  readonly dropoffTime: number;
  readonly dropoffLon: number;
  readonly dropoffLat: number;
}
