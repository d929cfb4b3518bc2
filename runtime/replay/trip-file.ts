/**
 * A TLC CSV file as the replay's input: its layout, the trips worth sending in pickup order,
 * and the rows skipped, by reason. Files are small samples (thousands of rows), so it is read
 * whole: ordering needs every row anyway, since TLC files are not in time order.
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

import { closestLayout, detectLayout, Layout, layoutsAllowed } from "./layouts";
import { orderByPickup, ReplayTrip } from "./ordering";
import { classifyRow } from "./row-check";
import { SkipTally } from "./skip-tally";
import { TlcRow } from "./trip-event";
import { UsageError } from "../common/usage-error";

export interface TripFile {
  layout: Layout;
  rows: number;
  trips: ReplayTrip[];
  skipped: SkipTally;
}

/** A file's rows in file order, unchecked, with the layout its header names. */
export interface TripRows {
  layout: Layout;
  /** Row numbers count the header as row 1, as a spreadsheet shows them. */
  rows: { rowNumber: number; row: TlcRow }[];
}

export function readTripFile(file: string): TripFile {
  return checkedTrips(readTripRows(file));
}

/** The rows of a TLC CSV file in either layout; UsageError when it cannot be read or is neither. */
export function readTripRows(file: string): TripRows {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--file ${file} cannot be read (${code ?? String(error)}); allowed: a TLC trip CSV file`);
  }
  return parseTripRows(text, file);
}

function parseTripRows(text: string, file: string): TripRows {
  let records: string[][];
  try {
    // relax_column_count: a short or long row is a bad row (skipped as unparsable), not a bad file.
    records = parse(text, { skip_empty_lines: true, relax_column_count: true, bom: true });
  } catch (error) {
    throw new UsageError(`--file ${file} is not CSV: ${(error as Error).message}`);
  }
  const [header = [], ...lines] = records;
  const layout = detectLayout(header);
  if (layout === undefined) {
    // A header near one layout (a column renamed or cut) is told what it lacks.
    const { layout: near, missing, of } = closestLayout(header);
    const lacks = missing.length < of ? `the ${near.name} layout also needs ${missing.join(", ")}; ` : "";
    throw new UsageError(
      `--file ${file} has the header ${JSON.stringify(header.slice(0, 4).join(","))}..., which is neither TLC layout (${lacks}allowed: ${layoutsAllowed()})`,
    );
  }
  const names = header.map((name) => name.trim());
  return {
    layout,
    rows: lines.map((values, index) => ({
      rowNumber: index + 2,
      row: Object.fromEntries(names.map((name, i) => [name, values[i] ?? ""])),
    })),
  };
}

/** The trips worth sending, in pickup order, and the rows skipped by reason. */
function checkedTrips({ layout, rows }: TripRows): TripFile {
  const skipped = new SkipTally();
  const trips: ReplayTrip[] = [];
  for (const { rowNumber, row } of rows) {
    const verdict = classifyRow(row, layout);
    if (verdict.kind === "trip") trips.push({ rowNumber, trip: verdict.trip });
    else skipped.add(verdict.reason);
  }
  return { layout, rows: rows.length, trips: orderByPickup(trips), skipped };
}
