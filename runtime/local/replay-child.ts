/**
 * The NYC taxi replay as part of the local stack: the compiled replay (its contract's entry
 * point) as a guarded child, looping the 2009 sample into the local stream through the local
 * ingest API, as the replay task does on AWS. It says over its IPC channel when it sends
 * and where it stopped (runtime/common/child-messages.ts). LOCAL_REPLAY_SPEEDUP sets its
 * pace (default: an hour of trips per second); 0 turns it off.
 */
import { ChildMessage, isChildStarted, isReplayStopped } from "../common/child-messages";
import { contractEnvironment } from "../common/contract";
import { REPO_ROOT } from "../common/repo-root";
import { compiledEntrypoint } from "../common/services";
import { LOCAL_REPLAY_FILE, REPLAY, replayArguments } from "../replay/contract";
import { waitForReadyMessage } from "./child-ready";
import { GuardedChild, spawnGuarded } from "./guarded-child";
import { LOCAL_METRICS_INTERVAL_MS } from "./local-metrics";

export type ReplayChild = GuardedChild<ChildMessage>;

const READY_TIMEOUT_MS = 20_000;
/** On SIGTERM it waits for the answers to what it posted: milliseconds against the local ingest API. */
const STOP_GRACE_MS = 5_000;

export async function startReplay(options: {
  /** The local ingest API it posts to. */
  ingestUrl: string;
  /** Its tenant's key, when the ingest API wants one. */
  apiKey?: string;
  speedup: number;
  /** Event time into the replay to go on from (a re-paced replay): see --resume-at. */
  resumeAtMs?: number;
  signal?: AbortSignal;
}): Promise<ReplayChild> {
  const script = compiledEntrypoint(REPLAY);
  const child = spawnGuarded<ChildMessage>({
    name: "replay",
    script,
    args: replayArguments({
      file: LOCAL_REPLAY_FILE,
      speedup: options.speedup,
      loop: true,
      target: options.ingestUrl,
      resumeAtMs: Math.floor(options.resumeAtMs ?? 0),
    }),
    cwd: REPO_ROOT,
    // Its own counters as EMF lines, for the live page. It posts to a URL, so it reads no
    // stack file (LOCAL_STATE_DIR is for --target local).
    env: {
      PATH: process.env.PATH,
      ...contractEnvironment(REPLAY, {
        METRICS_INTERVAL_MS: LOCAL_METRICS_INTERVAL_MS,
        INGEST_API_KEY: options.apiKey,
      }).variables,
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
