/**
 * The replay itself: sends each trip when it is due (pacing.ts), in batches of what is due,
 * until the file ends (or forever with --loop), or until stopped; then flushes the sink.
 * The clock and the sink are parameters, so a test can drive it without a stream.
 */
import { setTimeout as sleep } from "node:timers/promises";

import { ReplayTrip } from "./ordering";
import { dueAtMs, dueCount, firstSendAt, lagMs, offsetOf, passShiftMs, positionOf } from "./pacing";
import { tripPartitionKey } from "./partition-key";
import { OutgoingTrip, TripSink } from "./trip-sink";
import { tripEvent } from "./trip-event";

export interface ReplayLoopOptions {
  trips: readonly ReplayTrip[];
  speedup: number;
  loop: boolean;
  sink: TripSink;
  signal: AbortSignal;
  /** Event time into the replay to begin at (see firstSendAt); 0 is the first trip. */
  resumeAtMs?: number;
  clock?: () => number;
  /** Called after each batch, with what was sent so far and the lag of that batch. */
  onBatch?: (progress: { sent: number; lagMs: number; pass: number }) => void;
}

export interface ReplayLoopResult {
  sent: number;
  maxLagMs: number;
  passes: number;
  stoppedBySignal: boolean;
  /** Where a replay resumed with --resume-at goes on: the next trip this one did not send. */
  resumeAtMs: number;
}

/** The largest batch handed to the sink at once: one PutRecords or one POST /batch. */
const MAX_BATCH = 500;
/** The longest sleep: a stop signal or a slow clock is noticed at least this often. */
const MAX_SLEEP_MS = 1_000;

export async function runReplayLoop(options: ReplayLoopOptions): Promise<ReplayLoopResult> {
  const { trips, speedup, loop, sink, signal } = options;
  const clock = options.clock ?? Date.now;
  const pickups = trips.map(({ trip }) => trip.pickupMs);
  const result: ReplayLoopResult = {
    sent: 0,
    maxLagMs: 0,
    passes: 0,
    stoppedBySignal: false,
    resumeAtMs: options.resumeAtMs ?? 0,
  };
  if (trips.length === 0) return result;
  const shift = passShiftMs(pickups[0], pickups[pickups.length - 1]);
  const resumeAtMs = options.resumeAtMs ?? 0;
  // As if it had started that much event time ago, and had sent everything before it.
  const startedAt = clock() - resumeAtMs / speedup;
  // The next send's position in the looped sequence (pass * trips + index).
  let next = firstSendAt(pickups, resumeAtMs, loop);
  const dueOf = (send: number) => {
    const { pass, index } = positionOf(send, trips.length);
    return dueAtMs(pickups[index] + pass * shift, pickups[0], startedAt, speedup);
  };

  while (!signal.aborted && (loop || next < trips.length)) {
    const now = clock();
    const count = dueCount(pickups, next, now, startedAt, speedup, loop, MAX_BATCH);
    if (count === 0) {
      try {
        await sleep(Math.min(Math.max(1, dueOf(next) - now), MAX_SLEEP_MS), undefined, { signal });
      } catch {
        // aborted: the loop condition ends it
      }
      continue;
    }
    const batch: OutgoingTrip[] = [];
    for (let send = next; send < next + count; send++) {
      const { pass, index } = positionOf(send, trips.length);
      batch.push({
        event: tripEvent(trips[index].trip, pass * shift),
        partitionKey: tripPartitionKey(trips[index], pass),
      });
    }
    const lag = lagMs(now, dueOf(next));
    result.maxLagMs = Math.max(result.maxLagMs, lag);
    await sink.send(batch);
    next += count;
    result.sent += count;
    result.passes = positionOf(next - 1, trips.length).pass + 1;
    options.onBatch?.({ sent: result.sent, lagMs: lag, pass: result.passes - 1 });
  }
  result.stoppedBySignal = signal.aborted;
  result.resumeAtMs = offsetOf(pickups, next);
  return result;
}
