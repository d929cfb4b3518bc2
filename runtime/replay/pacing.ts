/**
 * When each trip is sent: an event whose pickup is T ms after the first one is due T/speedup
 * ms after the replay started. A looped replay shifts each pass by the span of one pass, so
 * event time keeps increasing. Pure functions of numbers; the replay loop only reads a clock.
 */

/** Between the last trip of a pass and the first of the next, in event time. */
export const LOOP_GAP_MS = 1_000;

/** How far each pass is shifted in event time: first to last pickup, plus the gap. */
export function passShiftMs(firstPickupMs: number, lastPickupMs: number): number {
  return lastPickupMs - firstPickupMs + LOOP_GAP_MS;
}

/** The wall-clock time (ms) an event is due. */
export function dueAtMs(eventMs: number, firstEventMs: number, startedAtMs: number, speedup: number): number {
  return startedAtMs + (eventMs - firstEventMs) / speedup;
}

/** How far sending trails the intended pace (never negative: early is not lag). */
export function lagMs(nowMs: number, dueMs: number): number {
  return Math.max(0, nowMs - dueMs);
}

/** The position of the n-th send (0-based) in a replay of `tripCount` trips. */
export function positionOf(sendIndex: number, tripCount: number): { pass: number; index: number } {
  return { pass: Math.floor(sendIndex / tripCount), index: sendIndex % tripCount };
}

/**
 * How many sends are due at `nowMs`, starting from `next`: the replay sends them together
 * (one timer per batch, not per event, so a high speedup does not drown in timers).
 */
export function dueCount(
  pickups: readonly number[],
  next: number,
  nowMs: number,
  startedAtMs: number,
  speedup: number,
  loop: boolean,
  max: number,
): number {
  const shift = passShiftMs(pickups[0], pickups[pickups.length - 1]);
  let count = 0;
  for (let send = next; count < max; send++) {
    const { pass, index } = positionOf(send, pickups.length);
    if (!loop && pass > 0) break;
    if (dueAtMs(pickups[index] + pass * shift, pickups[0], startedAtMs, speedup) > nowMs) break;
    count++;
  }
  return count;
}

/**
 * The first send at or after `offsetMs` of event time into the replay (passes included):
 * where a replay resumed with --resume-at begins. Without looping, past the end is the end.
 */
export function firstSendAt(pickups: readonly number[], offsetMs: number, loop: boolean): number {
  const shift = passShiftMs(pickups[0], pickups[pickups.length - 1]);
  const pass = loop ? Math.floor(offsetMs / shift) : 0;
  const within = offsetMs - pass * shift;
  // Pickups are in order: the first at or after `within`, by binary search.
  let lo = 0;
  let hi = pickups.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pickups[mid] - pickups[0] < within) lo = mid + 1;
    else hi = mid;
  }
  return pass * pickups.length + lo;
}

/**
 * Event time into the replay (passes included) of the n-th send: what --resume-at takes to
 * begin there, the inverse of firstSendAt (which starts at the first of equal pickups).
 */
export function offsetOf(pickups: readonly number[], sendIndex: number): number {
  const { pass, index } = positionOf(sendIndex, pickups.length);
  return pickups[index] - pickups[0] + pass * passShiftMs(pickups[0], pickups[pickups.length - 1]);
}
