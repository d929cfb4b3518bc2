/**
 * The hot-spot cell of a pickup: a geohash of the configured length (ngeohash here, the
 * GEOHASH UDF in Flink, both the standard base-32 bit interleaving), and its centre, which
 * is where the map draws the cell.
 */
import ngeohash from "ngeohash";

export function pickupCell(lon: number, lat: number, precision: number): string {
  return ngeohash.encode(lat, lon, precision);
}

export function cellCentre(cell: string): { lat: number; lon: number } {
  const { latitude, longitude } = ngeohash.decode(cell);
  return { lat: latitude, lon: longitude };
}

/** Start of the tumbling window holding `timeMs`: windows are aligned to the epoch, as Flink's. */
export function windowStartOf(timeMs: number, windowMs: number): number {
  return Math.floor(timeMs / windowMs) * windowMs;
}
