/**
 * One run of the lake compactor: finds the closed hours (closed-hours.ts), merges each one's
 * segment objects into the parts its plan names (part-plan.ts, parquet-merge.ts), moves the
 * compaction state past the hour with a write conditional on the version it read, and once
 * hours are read from their parts, tags their segment objects for expiry. Every step can be
 * cut short (the Lambda's time, a crash) and done again by the next run with the same
 * result; two runs at once never move the state backward. Why readers see every row once
 * throughout: COMPACTION.md.
 */
import { COMPACTION_STATE_KEY, progressKey } from "../object-keys";
import { parseProgress, ShardProgress } from "../progress";
import {
  addHours,
  closedBefore,
  HOUR_MS,
  firstHourToCompact,
  floorHour,
  hourStart,
  hoursToCompact,
} from "./closed-hours";
import { CompactionState, compactionStateBody, parseCompactionState } from "./compaction-state";
import { CompactionStore } from "./compaction-store";
import { COMPACTION_DEFAULTS } from "./compactor-contract";
import { COMPACTED_SEGMENT_TAG } from "./expiry-tag";
import { nextHorizon, taggableUntil } from "./retire";
import { compactHour, PartCounts } from "./hour-parts";
import { earliestObjectHour, hourSegmentObjects } from "./lake-listing";
import { boundedCalls } from "./bounded-calls";

/**
 * The most hours one run walks (a run's time budget ends it sooner under load; after a long
 * stop the next runs go on where it ended): two days of a backlog per run at most.
 */
export const MAX_HOURS_PER_RUN = 48;

/** COMPACTION_DEFAULTS.settleSeconds: an hour moves at a run after the one that stored its parts. */
export const PART_SETTLE_MS = COMPACTION_DEFAULTS.settleSeconds * 1000;

/**
 * PutObjectTagging calls in flight at once. S3 serves at least 3,500 PUT/COPY/POST/DELETE
 * requests per second per partitioned prefix
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html): 32
 * calls of a few tens of ms are about a thousand a second, below it and below the SDK's 50
 * sockets per client (@smithy/node-http-handler), so an hour of 30,000 segment objects is
 * tagged in about half a minute instead of a quarter of an hour one at a time.
 */
export const TAG_CONCURRENCY = 32;

/** How long a run may go on where no Lambda timeout bounds it (the local stack, a test's handler call). */
export const UNBOUNDED_RUN_MS = 5 * 60_000;

export interface CompactorSettings {
  /** The most bytes a part holds (COMPACTED_PART_BYTES). */
  partBytes: number;
  /** How far every shard's progress must be past an hour's end (COMPACTION_SLACK_SECONDS). */
  slackMs: number;
  /** How long an hour's last part must have been stored before the hour moves (PART_SETTLE_MS unless set). */
  settleMs?: number;
}

export interface CompactorPorts {
  store: CompactionStore;
  /** Every shard of the stream, open or closed (ListShards). */
  shardIds(): Promise<string[]>;
  now(): number;
  /** Whether there is time to start another part or hour (the Lambda's remaining time, less a margin). */
  hasTime(): boolean;
}

/** Why a run ended. */
export type RunEnd =
  /** Some shard has no progress yet: no hour is known closed. */
  | "nothing-closed"
  /** No state and no segment object: nothing to compact. */
  | "empty-lake"
  /** Every closed hour is compacted and tagged. */
  | "done"
  /** Out of time: the next run goes on where this one ended. */
  | "time"
  /** Another run replaced the state first: this one stops, that one goes on. */
  | "state-moved"
  /** An hour's parts are stored, not yet PART_SETTLE_MS ago: a later run moves it. */
  | "settling";

export interface RunOutcome extends PartCounts {
  end: RunEnd;
  closedBefore?: string;
  /** The state as this run left it (or found it), when there is one. */
  state?: CompactionState;
  /** Hours whose state move this run made. */
  hoursCompacted: string[];
  /** Segment objects tagged for expiry. */
  objectsRetired: number;
  /** Hours from compacted_before to the current hour (LakeHoursNotCompacted); undefined without a state. */
  hoursNotCompacted?: number;
}

/** The run's view of the state: its value and the version it read (undefined: none yet). */
interface HeldState {
  state: CompactionState;
  etag: string | undefined;
}

export async function runCompactor(ports: CompactorPorts, settings: CompactorSettings): Promise<RunOutcome> {
  const { store } = ports;
  const outcome: RunOutcome = {
    end: "done",
    hoursCompacted: [],
    partsWritten: 0,
    partsFound: 0,
    rows: 0,
    bytes: 0,
    objectsRetired: 0,
  };
  const finish = (end: RunEnd, held?: HeldState): RunOutcome => {
    outcome.end = end;
    // Only a state that is stored: a first run that stopped before its first move leaves none.
    if (held?.etag !== undefined) outcome.state = held.state;
    if (outcome.state) {
      outcome.hoursNotCompacted = Math.max(
        0,
        (floorHour(ports.now()) - hourStart(outcome.state.compacted_before)) / HOUR_MS,
      );
    }
    return outcome;
  };

  // The state first, then the progress, then the listings: what the progress promised stored
  // is in the listings that follow it (S3 lists what was written before: strong consistency).
  const stored = await store.getVersioned(COMPACTION_STATE_KEY);
  let held: HeldState | undefined = stored && {
    state: parseCompactionState(stored.body.toString("utf8")),
    etag: stored.etag,
  };
  // The time first: a shard made after it (a reshard under way) only has records after it.
  const now = ports.now();
  const shardIds = await ports.shardIds();
  const closed = closedBefore(shardIds, await readProgress(store, shardIds), settings.slackMs, now);
  outcome.closedBefore = closed;
  if (closed === undefined) return finish("nothing-closed", held);
  if (!held) {
    const earliest = await earliestObjectHour(store, ports.hasTime);
    if (earliest === "time") return finish("time");
    const start = firstHourToCompact(earliest.hour, closed);
    if (start === undefined) return finish("empty-lake");
    held = { state: { compacted_before: start, tagged_before: start }, etag: undefined };
  }

  // Once an hour cannot move yet (its parts too fresh), the run goes on storing the parts of
  // the hours after it, and moves none of them: hours move in order, at a later run.
  let stopped: RunEnd | undefined;
  for (const hour of hoursToCompact(held.state.compacted_before, closed, MAX_HOURS_PER_RUN)) {
    if (!ports.hasTime()) return finish("time", held);
    const parts = await compactHour(store, settings.partBytes, hour, ports.hasTime, outcome, ports.now);
    if (!parts.done) return finish("time", held);
    if (stopped) continue;
    // A query lists an hour's parts before it reads the state (DuckDB expands its globs when it
    // binds; Athena may enumerate splits first): the hour moves only once its last part has been
    // stored for PART_SETTLE_MS, so a query that sees the move listed every part.
    if (parts.newest !== undefined && ports.now() - parts.newest < (settings.settleMs ?? PART_SETTLE_MS)) {
      stopped = "settling";
      continue;
    }
    const next = { ...held.state, compacted_before: addHours(hour, 1) };
    const moved = await replaceState(store, held, next);
    if (!moved) return finish("state-moved", held);
    held = moved;
    outcome.hoursCompacted.push(hour);
  }

  // Only hours read from their parts for the grace already (retire.ts): a query that read the
  // state before their move may still be reading their segment objects.
  const now2 = ports.now();
  const until = taggableUntil(held.state, now2);
  for (const hour of hoursToCompact(held.state.tagged_before, until, MAX_HOURS_PER_RUN)) {
    if (!ports.hasTime()) return finish("time", held);
    // Cut short, the next run lists and tags the hour again: a tag set replaces the one before.
    const objects = await hourSegmentObjects(store, hour, ports.hasTime);
    const tagged =
      objects !== undefined &&
      (await boundedCalls(objects, TAG_CONCURRENCY, ports.hasTime, async (object) => {
        // An object already gone (the lifecycle, or retention) needs no tag.
        if ((await store.tag(object.key, COMPACTED_SEGMENT_TAG)) === "tagged") outcome.objectsRetired++;
      }));
    if (!tagged) return finish("time", held);
    const moved = await replaceState(store, held, { ...held.state, tagged_before: addHours(hour, 1) });
    if (!moved) return finish("state-moved", held);
    held = moved;
  }
  const horizon = nextHorizon(held.state, now2);
  if (horizon !== held.state) {
    const moved = await replaceState(store, held, horizon);
    if (!moved) return finish("state-moved", held);
    held = moved;
  }
  return finish(stopped ?? "done", held);
}

/** Each shard's progress object, where there is one (a shard without one holds every hour open). */
async function readProgress(store: CompactionStore, shardIds: string[]): Promise<Map<string, ShardProgress>> {
  const progress = new Map<string, ShardProgress>();
  for (const shardId of shardIds) {
    const body = await store.get(progressKey(shardId));
    if (body !== undefined) progress.set(shardId, parseProgress(body.toString("utf8")));
  }
  return progress;
}

async function replaceState(
  store: CompactionStore,
  held: HeldState,
  next: CompactionState,
): Promise<HeldState | undefined> {
  const body = Buffer.from(compactionStateBody(next));
  const put = await store.replaceIf(COMPACTION_STATE_KEY, body, "application/json", held.etag);
  return put.outcome === "written" ? { state: next, etag: put.etag } : undefined;
}
