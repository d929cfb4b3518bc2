/**
 * `npm run hotspots -- --file <csv>`: runs the hot-spot job's TypeScript engine over a TLC
 * trip CSV (2009 or 2015 layout) in file order (not sorted: lateness is part of what it
 * shows), one JSON line per hot spot on stdout, a summary on stderr. Exit 2 on bad options
 * (with the usage), or on a file that cannot be read, is not a TLC file or has an unusable
 * row (with the file, row and column).
 */
import { HotSpot, HotspotEngine } from "./engine";
import { parseCliOptions, USAGE, UsageError } from "./cli-options";
import { readHotspotTrips } from "./trip-file-reader";

export function hotSpotLine(spot: HotSpot): string {
  return JSON.stringify({
    cell: spot.cell,
    location: spot.location,
    count: spot.count,
    windowStart: new Date(spot.windowStart).toISOString(),
    windowEnd: new Date(spot.windowEnd).toISOString(),
  });
}

function run(argv: string[]): number {
  let options: ReturnType<typeof parseCliOptions>;
  try {
    options = parseCliOptions(argv);
  } catch (e) {
    if (e instanceof UsageError) e.message = `${e.message}\n${USAGE.trimEnd()}`;
    throw e;
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const trips = readHotspotTrips(options.file);
  const engine = new HotspotEngine(options.config);
  const lines: string[] = [];
  for (const trip of trips) lines.push(...engine.add(trip).hotSpots.map(hotSpotLine));
  lines.push(...engine.flush().hotSpots.map(hotSpotLine));
  process.stdout.write(lines.map((line) => line + "\n").join(""));
  const { events, outsideBox, late, windows, hotSpots } = engine.stats;
  process.stderr.write(
    JSON.stringify({ summary: { events, outsideBox, late, windows, hotSpots, config: options.config } }) + "\n",
  );
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
  }
}
