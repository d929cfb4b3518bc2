/**
 * The replay's command line, as a pure function: the options, or a UsageError naming
 * every bad value and what is allowed.
 */
import { envHelp } from "../common/env";
import { UsageError } from "../common/usage-error";
import { REPLAY_VARIABLES } from "./contract";

export type ReplayTarget = { kind: "local" } | { kind: "ingest"; url: URL };

export interface ReplayArgs {
  file: string;
  speedup: number;
  loop: boolean;
  target: ReplayTarget;
  /** Event time into the replay (ms after its first trip, passes included) to begin at. */
  resumeAtMs: number;
}

export const REPLAY_USAGE = [
  "Usage: npm run replay -- --file <csv> --speedup <n> [--loop] [--target local|<ingest url>]",
  "",
  "  --file <csv>      a TLC yellow-cab trip CSV, 2009 or 2015 layout (e.g. data/nyc-taxi/yellow_tripdata_2009-01_10k.csv)",
  "  --speedup <n>     event time runs n times faster than wall time (a positive number; 60 = a minute of trips per second)",
  "  --loop            start over at the end, shifting times so event time keeps increasing",
  "  --target local    POST /batch to the local stack's ingest API (its URL from .local/stack.json; the default)",
  "  --target <url>    POST /batch to an ingest API, e.g. http://127.0.0.1:8080",
  "  --resume-at <ms>  begin this much event time into the replay (passes included), at the first trip",
  "                    from there: how npm start's page re-paces a replay without going back to its start",
  "",
  "Environment:",
  ...envHelp(REPLAY_VARIABLES),
  "",
].join("\n");

const VALUE_OPTIONS = new Set(["--file", "--speedup", "--target", "--resume-at"]);

export function wantsReplayHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const values = new Map<string, string>();
  let loop = false;
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] =
      argv[i].startsWith("--") && argv[i].includes("=") ? splitOnce(argv[i]) : [argv[i], undefined];
    if (name === "--loop") {
      loop = true;
    } else if (VALUE_OPTIONS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--"))) {
        problems.push(`${name} needs a value`);
        if (value !== undefined) i--;
      } else values.set(name, value);
    } else {
      problems.push(
        `${JSON.stringify(argv[i])} is not an option (allowed: --file, --speedup, --loop, --target, --resume-at, --help)`,
      );
    }
  }
  const file = values.get("--file");
  if (file === undefined && !problems.some((p) => p.startsWith("--file")))
    problems.push("--file is missing (allowed: a TLC trip CSV file)");
  const speedupText = values.get("--speedup");
  const speedup = Number(speedupText);
  if (speedupText === undefined) {
    if (!problems.some((p) => p.startsWith("--speedup")))
      problems.push("--speedup is missing (allowed: a positive number, e.g. 60)");
  } else if (speedupText.trim() === "" || !Number.isFinite(speedup) || speedup <= 0) {
    problems.push(`--speedup is ${JSON.stringify(speedupText)} (allowed: a positive number, e.g. 60)`);
  }
  const target = parseTarget(values.get("--target") ?? "local", problems);
  const resumeText = values.get("--resume-at") ?? "0";
  const resumeAtMs = Number(resumeText);
  if (resumeText.trim() === "" || !Number.isFinite(resumeAtMs) || resumeAtMs < 0) {
    problems.push(`--resume-at is ${JSON.stringify(resumeText)} (allowed: 0 or more milliseconds of event time)`);
  }
  if (problems.length > 0) throw new UsageError(problems.join("; "));
  return { file: file as string, speedup, loop, target: target as ReplayTarget, resumeAtMs };
}

function parseTarget(text: string, problems: string[]): ReplayTarget | undefined {
  if (text === "local") return { kind: "local" };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`--target is ${JSON.stringify(text)} (allowed: local, or an http:// or https:// ingest URL)`);
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    problems.push(`--target is ${JSON.stringify(text)} (allowed: local, or an http:// or https:// ingest URL)`);
    return undefined;
  }
  return { kind: "ingest", url: withRoutesBelow(url) };
}

/** The API's routes hang off its URL: a trailing slash makes "batch" resolve below it. */
export function withRoutesBelow(url: URL): URL {
  const base = new URL(url);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return base;
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf("=");
  return [arg.slice(0, at), arg.slice(at + 1)];
}
