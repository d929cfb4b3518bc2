/**
 * A TLC CSV file as the replay's input: its layout, the trips worth sending in pickup order,
 * and the rows skipped, by reason. Files are small samples (thousands of rows), so it is read
 * whole: ordering needs every row anyway, since TLC files are not in time order.
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

import { detectLayout, Layout, layoutsAllowed } from "./layouts";
import { orderByPickup, ReplayTrip } from "./ordering";
import { classifyRow } from "./row-check";
import { SkipTally } from "./skip-tally";
import { TlcRow } from "./trip-event";
import { UsageError } from "../usage-error";

export interface TripFile {
  layout: Layout;
  rows: number;
  trips: ReplayTrip[];
  skipped: SkipTally;
}

export function readTripFile(file: string): TripFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--file ${file} cannot be read (${code ?? String(error)}); allowed: a TLC trip CSV file`);
  }
  return parseTripCsv(text, file);
}

/** The parsing half of readTripFile, for tests and for any source of CSV text. */
export function parseTripCsv(text: string, file: string): TripFile {
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
    throw new UsageError(
      `--file ${file} has the header ${JSON.stringify(header.slice(0, 4).join(","))}..., which is neither TLC layout (allowed: ${layoutsAllowed()})`,
    );
  }
  const names = header.map((name) => name.trim());
  const skipped = new SkipTally();
  const trips: ReplayTrip[] = [];
  lines.forEach((values, index) => {
    const row: TlcRow = Object.fromEntries(names.map((name, i) => [name, values[i] ?? ""]));
    const verdict = classifyRow(row, layout);
    // Row numbers count the header as row 1, as a spreadsheet shows them.
    if (verdict.kind === "trip") trips.push({ rowNumber: index + 2, trip: verdict.trip });
    else skipped.add(verdict.reason);
  });
  return { layout, rows: lines.length, trips: orderByPickup(trips), skipped };
}
