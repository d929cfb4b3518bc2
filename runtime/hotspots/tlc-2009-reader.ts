/**
 * A minimal reader of the TLC 2009 yellow-cab layout (data/nyc-taxi/yellow_tripdata_2009-01_10k.csv)
 * for the hot-spot CLI: only the six fields the job uses, in file order. The replay's
 * converter (runtime/replay/trip-event.ts) is the full one and may replace this.
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { HotspotTrip } from "./trip";
import { parseNewYorkTime } from "../replay/new-york-time";

/** TLC times are New York wall clock; NaN for one that is not a time (the row is then dropped). */
const newYorkTimeToEpochMs = (local: string): number => parseNewYorkTime(local.trim()) ?? NaN;

const COLUMNS = [
  "Trip_Pickup_DateTime",
  "Start_Lon",
  "Start_Lat",
  "Trip_Dropoff_DateTime",
  "End_Lon",
  "End_Lat",
] as const;

export class TlcFileError extends Error {}

export function readTlc2009Trips(file: string): HotspotTrip[] {
  const rows: Record<string, string>[] = parse(readFileSync(file), { columns: true, skip_empty_lines: true });
  const missing = rows.length > 0 ? COLUMNS.filter((c) => !(c in rows[0])) : [];
  if (missing.length > 0) {
    throw new TlcFileError(`${file} lacks the TLC 2009 column(s) ${missing.join(", ")}`);
  }
  return rows.map((row, i) => toTrip(row, `${file} row ${i + 2}`));
}

export function toTrip(row: Record<string, string>, where: string): HotspotTrip {
  const trip: HotspotTrip = {
    pickupTime: newYorkTimeToEpochMs(row.Trip_Pickup_DateTime),
    pickupLon: Number(row.Start_Lon),
    pickupLat: Number(row.Start_Lat),
    dropoffTime: newYorkTimeToEpochMs(row.Trip_Dropoff_DateTime),
    dropoffLon: Number(row.End_Lon),
    dropoffLat: Number(row.End_Lat),
  };
  const bad = (Object.keys(trip) as (keyof HotspotTrip)[]).find((field) => !Number.isFinite(trip[field]));
  if (bad) {
    const column = COLUMNS[Object.keys(trip).indexOf(bad)];
    throw new TlcFileError(
      `${where}: ${column} is ${JSON.stringify(row[column])}, allowed: a number, or for times "YYYY-MM-DD HH:MM:SS" in New York time`,
    );
  }
  return trip;
}
