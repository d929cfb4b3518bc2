/** Ordering, pacing (when each trip is due, lag) and the replay loop on a fake clock. */
import { expect } from "chai";

import { orderByPickup, ReplayTrip } from "../../../runtime/replay/ordering";
import {
  dueAtMs,
  dueCount,
  firstSendAt,
  lagMs,
  LOOP_GAP_MS,
  offsetOf,
  passShiftMs,
  positionOf,
} from "../../../runtime/replay/pacing";
import { runReplayLoop } from "../../../runtime/replay/replay-loop";
import { SkipTally } from "../../../runtime/replay/skip-tally";
import { TripFields } from "../../../runtime/replay/trip-event";
import { OutgoingTrip, TripSink } from "../../../runtime/replay/trip-sink";

const T0 = Date.parse("2009-01-01T00:35:23-05:00");

function trip(rowNumber: number, pickupOffsetS: number): ReplayTrip {
  const fields: TripFields = {
    vendor: "VTS",
    pickupMs: T0 + pickupOffsetS * 1000,
    dropoffMs: T0 + pickupOffsetS * 1000 + 60_000,
    passengerCount: 1,
    tripDistance: 1,
    pickupLongitude: -73.99,
    pickupLatitude: 40.75,
    dropoffLongitude: -73.98,
    dropoffLatitude: 40.76,
    fareAmount: 5,
    tipAmount: 0,
    totalAmount: 5,
    paymentType: "cash",
  };
  return { rowNumber, trip: fields };
}

describe("replay ordering", () => {
  it("orders by pickup time, ties in file order", () => {
    const trips = [trip(2, 30), trip(3, 0), trip(4, 30), trip(5, 10), trip(6, 0)];
    expect(orderByPickup(trips).map((t) => t.rowNumber)).to.deep.equal([3, 6, 5, 2, 4]);
  });
});

describe("replay pacing", () => {
  // [event offset s, speedup, due after start ms]
  const DUE: [number, number, number][] = [
    [0, 60, 0],
    [60, 60, 1_000],
    [3_600, 60, 60_000],
    [3_600, 3_600, 1_000],
    [90, 1, 90_000],
    [1, 0.5, 2_000],
  ];
  for (const [offsetS, speedup, expected] of DUE) {
    it(`an event ${offsetS} s after the first, at speedup ${speedup}, is due ${expected} ms after start`, () => {
      expect(dueAtMs(T0 + offsetS * 1000, T0, 5_000, speedup)).to.equal(5_000 + expected);
    });
  }

  // [now, due, lag]
  const LAG: [number, number, number][] = [
    [1_000, 1_000, 0],
    [1_250, 1_000, 250],
    [900, 1_000, 0],
  ];
  for (const [now, due, expected] of LAG) {
    it(`sending at ${now} what was due at ${due} lags ${expected} ms`, () =>
      expect(lagMs(now, due)).to.equal(expected));
  }

  it("shifts each pass by the span of a pass plus the gap", () => {
    expect(passShiftMs(T0, T0 + 3_600_000)).to.equal(3_600_000 + LOOP_GAP_MS);
    expect([positionOf(0, 3), positionOf(2, 3), positionOf(3, 3), positionOf(7, 3)]).to.deep.equal([
      { pass: 0, index: 0 },
      { pass: 0, index: 2 },
      { pass: 1, index: 0 },
      { pass: 2, index: 1 },
    ]);
  });

  // pickups at 0, 60, 60, 120 s; speedup 60: due at 0, 1000, 1000, 2000 ms; a pass shifts by 121 s = 2016.67 ms
  const PICKUPS = [0, 60, 60, 120].map((s) => T0 + s * 1000);
  // [next, now, loop, max, count]
  const COUNTS: [number, number, boolean, number, number][] = [
    [0, 0, false, 500, 1],
    [1, 999, false, 500, 0],
    [1, 1_000, false, 500, 2],
    [0, 5_000, false, 500, 4],
    [0, 5_000, false, 3, 3],
    [4, 5_000, false, 500, 0],
    [4, 2_016, true, 500, 0],
    [4, 2_017, true, 500, 1],
    [0, 5_000, true, 500, 9],
  ];
  for (const [next, now, loop, max, expected] of COUNTS) {
    it(`from send ${next} at ${now} ms${loop ? " (loop)" : ""}, at most ${max}: ${expected} due`, () => {
      expect(dueCount(PICKUPS, next, now, 0, 60, loop, max)).to.equal(expected);
    });
  }
});

class RecordingSink implements TripSink {
  readonly description = "memory";
  stored = 0;
  readonly refused = new SkipTally();
  readonly batches: { at: number; trips: readonly OutgoingTrip[] }[] = [];
  constructor(private readonly clock: () => number) {}
  async send(batch: readonly OutgoingTrip[]): Promise<void> {
    this.batches.push({ at: this.clock(), trips: batch });
    this.stored += batch.length;
  }
  async close(): Promise<void> {}
}

describe("replay loop", () => {
  it("sends each trip when it is due, batching what is due together", async () => {
    const started = Date.now();
    const clock = () => Date.now() - started;
    const sink = new RecordingSink(clock);
    // speedup 600: 0, 60 s, 60 s, 120 s of event time are due at 0, 100, 100, 200 ms.
    const trips = [trip(2, 0), trip(3, 60), trip(4, 60), trip(5, 120)];
    const result = await runReplayLoop({
      trips,
      speedup: 600,
      loop: false,
      sink,
      signal: new AbortController().signal,
      clock,
    });
    expect(result).to.include({ sent: 4, passes: 1, stoppedBySignal: false });
    expect(sink.batches.map((b) => b.trips.length)).to.deep.equal([1, 2, 1]);
    const at = sink.batches.map((b) => b.at);
    expect(at[1]).to.be.within(100, 180);
    expect(at[2]).to.be.within(200, 280);
    expect(result.maxLagMs).to.be.below(80);
  });

  it("loops with event time increasing and per-pass keys, until stopped", async () => {
    const stop = new AbortController();
    const sink = new RecordingSink(Date.now);
    const trips = [trip(2, 0), trip(3, 6)];
    // speedup 600: a pass (6 s + 1 s gap of event time) takes ~12 ms; stop after ~100 ms.
    setTimeout(() => stop.abort(), 100);
    const result = await runReplayLoop({ trips, speedup: 600, loop: true, sink, signal: stop.signal });
    expect(result.stoppedBySignal).to.equal(true);
    expect(result.passes).to.be.greaterThan(3);
    const sent = sink.batches.flatMap((b) => b.trips);
    const pickups = sent.map((t) => Date.parse(t.event.pickupTime));
    for (let i = 1; i < pickups.length; i++) expect(pickups[i]).to.be.greaterThan(pickups[i - 1]);
    expect(pickups[2] - pickups[0]).to.equal(7_000);
    expect(new Set(sent.map((t) => t.partitionKey)).size).to.equal(sent.length);
    expect(sent[2].partitionKey).to.equal(`VTS-${T0}-r2-p1`);
  });

  it("resumes where --resume-at says: from the first trip at or after that event time, due at once, pacing on from there", async () => {
    const started = Date.now();
    const clock = () => Date.now() - started;
    const sink = new RecordingSink(clock);
    // A pass is 120 s + 1 s gap; 121 s + 60 s in is pass 1, at the trips of 60 s.
    const trips = [trip(2, 0), trip(3, 60), trip(4, 60), trip(5, 120)];
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 150);
    await runReplayLoop({ trips, speedup: 600, loop: true, resumeAtMs: 181_000, sink, signal: stop.signal, clock });
    const sent = sink.batches.flatMap((b) => b.trips);
    expect(sent.map((t) => t.partitionKey).slice(0, 3)).to.deep.equal([
      `VTS-${T0 + 60_000}-r3-p1`,
      `VTS-${T0 + 60_000}-r4-p1`,
      `VTS-${T0 + 120_000}-r5-p1`,
    ]);
    expect(Date.parse(sent[0].event.pickupTime)).to.equal(T0 + 121_000 + 60_000);
    // Due at once (no catch-up of what came before), the next 60 s of event time 100 ms later.
    expect(sink.batches[0].at).to.be.below(60);
    expect(sink.batches[1].at - sink.batches[0].at).to.be.within(80, 160);
  });

  const RESUME: [number, boolean, number][] = [
    // [offset ms, loop, first send] for pickups at 0, 60, 60, 120 s (a pass is 121 s)
    [0, true, 0],
    [1, true, 1],
    [60_000, true, 1],
    [60_001, true, 3],
    [120_001, true, 4],
    [121_000, true, 4],
    [181_000, true, 5],
    [500_000, false, 4],
  ];
  for (const [offset, loop, expected] of RESUME) {
    it(`firstSendAt(${offset} ms${loop ? ", looping" : ""}) is send ${expected}`, () => {
      expect(firstSendAt([0, 60_000, 60_000, 120_000], offset, loop)).to.equal(expected);
    });
  }

  const OFFSETS: [number, number][] = [
    // [send, offset ms] for the same pickups: the inverse of firstSendAt
    [0, 0],
    [1, 60_000],
    [2, 60_000],
    [3, 120_000],
    [4, 121_000],
    [6, 181_000],
  ];
  for (const [send, expected] of OFFSETS) {
    it(`offsetOf(send ${send}) is ${expected} ms, and firstSendAt goes back to it (or an equal pickup before)`, () => {
      const pickups = [0, 60_000, 60_000, 120_000];
      expect(offsetOf(pickups, send)).to.equal(expected);
      const back = firstSendAt(pickups, expected, true);
      expect(back).to.be.at.most(send);
      expect(offsetOf(pickups, back)).to.equal(expected);
    });
  }

  it("says where it stopped: the next trip it did not send, even when it fell behind its pace", async () => {
    const stop = new AbortController();
    let now = 0;
    // A sink so slow that the replay trails its pace: each batch takes 10 minutes of clock.
    const sink = new (class extends RecordingSink {
      override async send(batch: readonly OutgoingTrip[]): Promise<void> {
        await super.send(batch);
        now += 600_000;
        if (this.batches.length === 2) stop.abort();
      }
    })(() => now);
    const trips = [trip(2, 0), trip(3, 60), trip(4, 60), trip(5, 120)];
    const result = await runReplayLoop({ trips, speedup: 1, loop: true, sink, signal: stop.signal, clock: () => now });
    // Two batches: what was due at 0 s, then what was due at 600 s. The clock then says 1,200 s
    // of event time; the replay had sent only up to 600 s, and goes on from the next trip.
    const sent = sink.batches.flatMap((b) => b.trips).length;
    expect(result.resumeAtMs).to.equal(
      offsetOf(
        [0, 60_000, 60_000, 120_000].map((p) => p + T0),
        sent,
      ),
    );
    expect(result.resumeAtMs).to.be.below(1_200_000);
  });

  it("sends nothing for a file without trips", async () => {
    const sink = new RecordingSink(Date.now);
    const result = await runReplayLoop({
      trips: [],
      speedup: 1,
      loop: true,
      sink,
      signal: new AbortController().signal,
    });
    expect(result.sent).to.equal(0);
  });
});
