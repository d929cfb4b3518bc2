/**
 * The hot-spot CLI's command line, as a pure function: argv in, options or a usage error
 * naming the bad value and what is allowed out.
 */
import { parseArgs } from "node:util";
import { JOB_LIMITS, JobConfig, jobConfig, JobConfigError } from "./job-config";
import { EngineMode } from "./engine";
import { UsageError } from "../common/usage-error";

export { UsageError };

export interface CliOptions {
  readonly file: string;
  readonly config: JobConfig;
  /** batch unless --streaming. */
  readonly mode: EngineMode;
}

export const USAGE = `usage: npm run hotspots -- --file <csv> [--window-minutes m] [--precision p] [--min-trips k] [--streaming [--out-of-orderness-seconds s]]
  --file                      a TLC yellow-cab trip CSV, 2009 or 2015 layout (e.g. data/nyc-taxi/yellow_tripdata_2009-01_10k.csv)
  --window-minutes            ${JOB_LIMITS.windowMinutes}
  --precision                 geohash precision, ${JOB_LIMITS.geohashPrecision}
  --min-trips                 pickups that make a cell a hot spot, ${JOB_LIMITS.minTrips}
  --streaming                 read the file as a stream, in file order, with the watermark of the
                              Flink job: a trip whose window has closed is late and dropped (TLC
                              files are not in time order, so most are). Without it the answer is
                              the whole file's, every trip in its window, as a batch job counts it
  --out-of-orderness-seconds  with --streaming, the watermark's delay, ${JOB_LIMITS.outOfOrdernessSeconds}
Prints one JSON line per hot spot on stdout, windows in time order, and a summary on stderr.
`;

const NUMERIC: Record<string, keyof JobConfig> = {
  "window-minutes": "windowMinutes",
  precision: "geohashPrecision",
  "min-trips": "minTrips",
  "out-of-orderness-seconds": "outOfOrdernessSeconds",
};

export function parseCliOptions(argv: readonly string[]): CliOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        file: { type: "string" },
        streaming: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(Object.keys(NUMERIC).map((name) => [name, { type: "string" as const }])),
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return "help";
  if (typeof values.file !== "string" || values.file === "") {
    throw new UsageError("--file is missing, allowed: the path of a TLC trip CSV file (2009 or 2015 layout)");
  }
  const overrides: Partial<Record<keyof JobConfig, number>> = {};
  for (const [flag, key] of Object.entries(NUMERIC)) {
    const text = values[flag];
    if (typeof text !== "string") continue;
    // Number("") is 0 and Number("1e1") is 10: only plain integers are what a user meant.
    if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`--${flag} is "${text}", allowed: ${JOB_LIMITS[key]}`);
    overrides[key] = Number(text);
  }
  const mode: EngineMode = values.streaming ? "streaming" : "batch";
  if (mode === "batch" && overrides.outOfOrdernessSeconds !== undefined) {
    throw new UsageError(
      "--out-of-orderness-seconds needs --streaming, allowed: a batch run has no watermark until the end of the file",
    );
  }
  try {
    return { file: values.file, config: jobConfig(overrides), mode };
  } catch (e) {
    if (e instanceof JobConfigError) throw new UsageError(e.problems.map((p) => toFlag(p)).join("; "));
    throw e;
  }
}

/** "windowMinutes is 7, allowed: ..." becomes "--window-minutes is 7, allowed: ...". */
function toFlag(problem: string): string {
  const [key, ...rest] = problem.split(" ");
  const flag = Object.keys(NUMERIC).find((f) => NUMERIC[f] === key);
  return flag ? [`--${flag}`, ...rest].join(" ") : problem;
}
