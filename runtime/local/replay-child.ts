/**
 * The NYC taxi replay as part of the local stack: the compiled replay (runtime/common/services.ts)
 * as a guarded child, looping the 2009 sample into the local stream through the local
 * ingest API, as the replay task does on AWS. It says over its IPC channel when it sends
 * and where it stopped (runtime/common/child-messages.ts). LOCAL_REPLAY_SPEEDUP sets its
 * pace (default: an hour of trips per second); 0 turns it off.
 */
import path from "node:path";

import { ChildMessage, isChildStarted, isReplayStopped } from "../common/child-messages";
import { REPO_ROOT } from "../common/repo-root";
import { compiledEntrypoint } from "../common/services";
import { waitForReadyMessage } from "./child-ready";
import { GuardedChild, spawnGuarded } from "./guarded-child";
import { LOCAL_METRICS_INTERVAL_MS } from "./local-metrics";

export type ReplayChild = GuardedChild<ChildMessage>;

export const LOCAL_REPLAY_FILE = path.join("data", "nyc-taxi", "yellow_tripdata_2009-01_10k.csv");
/**
 * What to set LOCAL_REPLAY_SPEEDUP to for a lively but light stream: an hour of trips per
 * second, about 13 events/s on average and 49 in the busiest second of the sample, far
 * below the ~1,100 entries/s kinesis-local takes; one pass of the month takes ~12 minutes.
 */
export const SUGGESTED_REPLAY_SPEEDUP = 3600;
const READY_TIMEOUT_MS = 20_000;
/** On SIGTERM it waits for the answers to what it posted: milliseconds against the local ingest API. */
const STOP_GRACE_MS = 5_000;

export async function startReplay(options: {
  stateDir: string;
  /** The local ingest API it posts to. */
  ingestUrl: string;
  speedup: number;
  /** Event time into the replay to go on from (a re-paced replay): see --resume-at. */
  resumeAtMs?: number;
  signal?: AbortSignal;
}): Promise<ReplayChild> {
  const script = compiledEntrypoint("replay");
  const child = spawnGuarded<ChildMessage>({
    name: "replay",
    script,
    args: [
      "--file",
      LOCAL_REPLAY_FILE,
      "--speedup",
      String(options.speedup),
      "--loop",
      "--target",
      options.ingestUrl,
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
    ipc: true,
  });
  // It says so once it has reached the ingest API: from then on it is sending.
  await waitForReadyMessage(child, isChildStarted, {
    what: `the replay (pid ${child.pid}) to start`,
    timeoutMs: READY_TIMEOUT_MS,
    signal: options.signal,
  });
  return child;
}

/**
 * Where a stopped replay got to, by its own account: the next trip it did not send (a
 * replay that fell behind its pace had sent fewer than the clock says). Undefined when it
 * said nothing (killed before it could).
 */
export function stoppedAtMs(replay: ReplayChild): number | undefined {
  return replay.messages().find(isReplayStopped)?.resumeAtMs;
}
