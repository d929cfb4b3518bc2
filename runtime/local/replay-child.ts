/**
 * The NYC taxi replay as part of the local stack: the compiled replay (its contract's entry point)
 * as a guarded child, looping the 2009 sample into the local stream through the same path
 * as `npm run replay -- --target local` (it reads the stack file, so it starts after it is
 * written). LOCAL_REPLAY_SPEEDUP sets its pace (default: an hour of trips per second); 0
 * turns it off.
 */
import { contractEnvironment } from "../common/contract";
import { REPO_ROOT } from "../common/repo-root";
import { compiledEntrypoint } from "../common/services";
import { LOCAL_REPLAY_FILE, REPLAY } from "../replay/contract";
import { waitUntilReady } from "./child-ready";
import { GuardedChild, spawnGuarded } from "./guarded-child";
import { LOCAL_METRICS_INTERVAL_MS } from "./local-metrics";
import { readSummary } from "../replay/summary";

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
  const script = compiledEntrypoint(REPLAY);
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
      ...contractEnvironment(REPLAY, {
        LOCAL_STATE_DIR: options.stateDir,
        METRICS_INTERVAL_MS: LOCAL_METRICS_INTERVAL_MS,
      }).variables,
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
