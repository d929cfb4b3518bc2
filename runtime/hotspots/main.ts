/**
 * `npm run hotspots -- --file <csv>`: runs the hot-spot job's TypeScript engine over a TLC
 * trip CSV (2009 or 2015 layout), one JSON line per hot spot on stdout, a summary on stderr.
 * A file is bounded, so by default its answer is the whole file's, as a batch job would
 * count it (TLC files are not in time order); --streaming reads it as the Flink job reads a
 * stream, in file order, where lateness is part of what it shows. Exit 2 on bad options
 * (with the usage), or on a file that cannot be read, is not a TLC file or has an unreadable
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

function run(options: Exclude<ReturnType<typeof parseCliOptions>, "help">): void {
  const trips = readHotspotTrips(options.file);
  const engine = new HotspotEngine(options.config, { mode: options.mode });
  const lines: string[] = [];
  for (const trip of trips) lines.push(...engine.add(trip).hotSpots.map(hotSpotLine));
  lines.push(...engine.flush().hotSpots.map(hotSpotLine));
  process.stdout.write(lines.map((line) => line + "\n").join(""));
  const { events, skipped, outsideBox, late, windows, hotSpots } = engine.stats;
  // A batch run has no watermark, so its config's out-of-orderness means nothing: left out.
  const { outOfOrdernessSeconds, ...batchConfig } = options.config;
  const config = options.mode === "streaming" ? { ...batchConfig, outOfOrdernessSeconds } : batchConfig;
  process.stderr.write(
    JSON.stringify({
      summary: { mode: options.mode, events, skipped, outsideBox, late, windows, hotSpots, config },
    }) + "\n",
  );
}

/** Exit 2 with the message, and the usage after a bad option (not after a bad file). */
function usageError(e: unknown, withUsage: boolean): number {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`${e.message}\n${withUsage ? USAGE : ""}`);
  return 2;
}

if (require.main === module) {
  let options: ReturnType<typeof parseCliOptions> | undefined;
  try {
    options = parseCliOptions(process.argv.slice(2));
  } catch (e) {
    process.exitCode = usageError(e, true);
  }
  if (options === "help") process.stdout.write(USAGE);
  else if (options) {
    try {
      run(options);
    } catch (e) {
      process.exitCode = usageError(e, false);
    }
  }
}
