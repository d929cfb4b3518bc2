/**
 * The NYC taxi replay as part of the local stack: the compiled replay (runtime/common/services.ts)
 * as a guarded child, looping the 2009 sample into the local stream through the same path
 * as `npm run replay -- --target local` (it reads the stack file, so it starts after it is
 * written). LOCAL_REPLAY_SPEEDUP sets its pace (default: an hour of trips per second); 0
 * turns it off.
 */
import path from "node:path";

import { REPO_ROOT } from "../common/repo-root";
import { compiledEntrypoint } from "../common/services";
import { waitUntilReady } from "./child-ready";
import { GuardedChild, spawnGuarded } from "./guarded-child";
import { LOCAL_METRICS_INTERVAL_MS } from "./local-metrics";
import { readSummary } from "../replay/summary";

export const LOCAL_REPLAY_FILE = path.join("data", "nyc-taxi", "yellow_tripdata_2009-01_10k.csv");
/**
 * What to set LOCAL_REPLAY_SPEEDUP to for a lively but light stream: an hour of trips per
 * second, about 13 events/s on average and 49 in the busiest second of the sample, far
 * below the ~1,100 entries/s kinesis-local takes; one pass of the month takes ~12 minutes.
 */
export const SUGGESTED_REPLAY_SPEEDUP = 3600;
const READY_TIMEOUT_MS = 20_000;
/** It flushes the producer on SIGTERM: milliseconds against the emulator. */
const STOP_GRACE_MS = 5_000;

export async function startReplay(options: {
  stateDir: string;
  speedup: number;
  /** Event time into the replay to go on from (a re-paced replay): see --resume-at. */
  resumeAtMs?: number;
  signal?: AbortSignal;
}): Promise<GuardedChild> {
  const script = compiledEntrypoint("replay");
  const child = spawnGuarded({
    name: "replay",
    script,
    args: [
      "--file",
      LOCAL_REPLAY_FILE,
      "--speedup",
      String(options.speedup),
      "--loop",
      "--target",
      "local",
      "--resume-at",
      String(Math.floor(options.resumeAtMs ?? 0)),
    ],
    cwd: REPO_ROOT,
    // METRICS_INTERVAL_MS: its producer's counters as EMF lines, for the live page.
    env: {
      PATH: process.env.PATH,
      LOCAL_STATE_DIR: options.stateDir,
      METRICS_INTERVAL_MS: String(LOCAL_METRICS_INTERVAL_MS),
    },
    stopGraceMs: STOP_GRACE_MS,
  });
  // Its first line says what it replays where: from then on it is sending.
  await waitUntilReady(
    child,
    async () => {
      if (!child.recentOutput().includes("replay: ")) throw new Error("no start line yet");
    },
    { what: `the replay (pid ${child.pid}) to start`, timeoutMs: READY_TIMEOUT_MS, signal: options.signal },
  );
  return child;
}

/**
 * Where a stopped replay got to, by its own last line: the next trip it did not send (a
 * replay that fell behind its pace had sent fewer than the clock says). Undefined when it
 * printed no summary (killed before it could).
 */
export function stoppedAtMs(replay: GuardedChild): number | undefined {
  return readSummary(replay.recentOutput())?.resumeAtMs;
}
