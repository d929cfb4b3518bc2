/**
 * The hot-spot CLI's input: a TLC trip CSV in either layout (read by the replay's reader,
 * runtime/replay/trip-file.ts), every row in file order. Unlike the replay it neither sorts
 * nor skips doubtful rows: lateness and the bounding-box filter are the engine's to show.
 */
import { readTripRows } from "../replay/trip-file";
import { readTripEnds, TripParseError } from "../replay/trip-event";
import { UsageError } from "../common/usage-error";
import { HotspotTrip } from "./trip";

/** The trips of `file`; UsageError naming the row, column and value when one is not usable. */
export function readHotspotTrips(file: string): HotspotTrip[] {
  const { layout, rows } = readTripRows(file);
  return rows.map(({ rowNumber, row }) => {
    try {
      const ends = readTripEnds(row, layout);
      return {
        pickupTime: ends.pickupMs,
        pickupLon: ends.pickupLongitude,
        pickupLat: ends.pickupLatitude,
        dropoffTime: ends.dropoffMs,
        dropoffLon: ends.dropoffLongitude,
        dropoffLat: ends.dropoffLatitude,
      };
    } catch (error) {
      if (error instanceof TripParseError) throw new UsageError(`${file} row ${rowNumber}: ${error.message}`);
      throw error;
    }
  });
}
