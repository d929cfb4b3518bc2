import { expect } from "chai";
import { HotspotEngine, noProblems } from "../../../runtime/hotspots/engine";
import { jobConfig } from "../../../runtime/hotspots/job-config";
import { HotspotTrip } from "../../../runtime/hotspots/trip";
import { TripProblem } from "../../../runtime/hotspots/usable-trip";

const HOUR = 3_600_000;
const T0 = Date.UTC(2009, 0, 5); // a window start for every window size that divides a day
const TIMES_SQUARE = { lon: -73.9855, lat: 40.758 }; // cell dr5ru7 at precision 6
const UNION_SQUARE = { lon: -73.9903, lat: 40.7359 }; // another cell
const JFK = { lon: -73.78, lat: 40.643 };
const LGA = { lon: -73.87, lat: 40.772 };

function trip(pickupTime: number, at = TIMES_SQUARE, dropoff = UNION_SQUARE, minutes = 10): HotspotTrip {
  return {
    pickupTime,
    pickupLon: at.lon,
    pickupLat: at.lat,
    dropoffTime: pickupTime + minutes * 60_000,
    dropoffLon: dropoff.lon,
    dropoffLat: dropoff.lat,
  };
}

/** Hourly windows, hot from 2 pickups, watermark 10 minutes behind. */
const hourly = () =>
  new HotspotEngine(jobConfig({ windowMinutes: 60, geohashPrecision: 6, minTrips: 2, outOfOrdernessSeconds: 600 }));

describe("hot spots: engine", () => {
  it("counts pickups per cell and emits a window's hot spots once the watermark passes its end", () => {
    const engine = hourly();
    expect(engine.add(trip(T0 + 1_000)).hotSpots).to.deep.equal([]);
    expect(engine.add(trip(T0 + 2_000)).hotSpots).to.deep.equal([]);
    expect(engine.add(trip(T0 + 3_000, UNION_SQUARE)).hotSpots).to.deep.equal([]);
    // watermark = T0 + 1h + 10min - 1 - 10min = end - 1: the window closes exactly here (Flink: watermark >= end - 1)
    expect(engine.add(trip(T0 + HOUR + 600_000 - 1)).hotSpots).to.deep.equal([
      {
        cell: "dr5ru7",
        location: { lat: 40.75653076171875, lon: -73.9874267578125 },
        count: 2,
        windowStart: T0,
        windowEnd: T0 + HOUR,
        documentId: "dr5ru7_2009-01-05T00:00:00.000Z",
      },
    ]);
    expect(engine.stats).to.deep.include({ events: 4, late: 0, windows: 1, hotSpots: 1 });
  });

  it("keeps a window open while the watermark is one millisecond short of its end", () => {
    const engine = hourly();
    engine.add(trip(T0));
    engine.add(trip(T0 + 1));
    expect(engine.add(trip(T0 + HOUR + 600_000 - 2)).hotSpots).to.deep.equal([]);
    expect(engine.flush().hotSpots.map((s) => [s.windowStart, s.count])).to.deep.equal([[T0, 2]]);
  });

  it("accepts out-of-order events whose window is still open", () => {
    const engine = hourly();
    engine.add(trip(T0 + HOUR + 300_000)); // watermark T0 + 55 min
    engine.add(trip(T0 + 10_000)); // behind the watermark, but its window is open
    engine.add(trip(T0 + 20_000));
    expect(engine.stats.late).to.equal(0);
    expect(engine.flush().hotSpots.map((s) => [s.windowStart, s.count])).to.deep.equal([[T0, 2]]);
  });

  it("drops and counts events whose window has closed, even when no hot spot came of it", () => {
    const engine = hourly();
    engine.add(trip(T0));
    engine.add(trip(T0 + 2 * HOUR)); // closes the first window (no hot spot: 1 pickup)
    expect(engine.add(trip(T0 + 5)).hotSpots).to.deep.equal([]);
    expect(engine.add(trip(T0 + 6)).hotSpots).to.deep.equal([]);
    expect(engine.stats).to.deep.include({ events: 4, late: 2, windows: 1 });
    expect(engine.flush().hotSpots).to.deep.equal([]);
  });

  it("with no out-of-orderness, an event one millisecond before the window's end after the end was seen is late", () => {
    const engine = new HotspotEngine(jobConfig({ windowMinutes: 60, minTrips: 1, outOfOrdernessSeconds: 0 }));
    engine.add(trip(T0 + HOUR - 1)); // watermark reaches end - 1: the window closes at once
    engine.add(trip(T0 + HOUR - 2));
    expect(engine.stats.late).to.equal(1);
  });

  it("applies minTrips per cell and window", () => {
    const engine = new HotspotEngine(jobConfig({ windowMinutes: 60, minTrips: 3, outOfOrdernessSeconds: 0 }));
    for (const t of [1, 2, 3]) engine.add(trip(T0 + t));
    for (const t of [4, 5]) engine.add(trip(T0 + t, UNION_SQUARE));
    const emitted = [1, 2].flatMap((t) => engine.add(trip(T0 + HOUR + t)).hotSpots); // same cell, next window: 2 < 3
    emitted.push(...engine.flush().hotSpots);
    expect(emitted.map((s) => [s.cell, s.count, s.windowStart])).to.deep.equal([["dr5ru7", 3, T0]]);
  });

  it("filters pickups outside the NYC box but lets them move the watermark, as Flink's source does", () => {
    const engine = hourly();
    engine.add(trip(T0));
    engine.add(trip(T0 + 1));
    const closed = engine.add(trip(T0 + 2 * HOUR, { lon: 0, lat: 0 }));
    expect(closed.hotSpots).to.have.length(1);
    expect(engine.stats).to.deep.include({ outsideBox: 1, late: 0 });
  });

  it("flush closes every open window in time order, and nothing twice", () => {
    const engine = new HotspotEngine(jobConfig({ windowMinutes: 60, minTrips: 2, outOfOrdernessSeconds: 86_400 }));
    for (const h of [3, 1, 2]) {
      engine.add(trip(T0 + h * HOUR));
      engine.add(trip(T0 + h * HOUR + 1));
    }
    expect(engine.flush().hotSpots.map((s) => s.windowStart)).to.deep.equal([1, 2, 3].map((h) => T0 + h * HOUR));
    expect(engine.flush().hotSpots).to.deep.equal([]);
    expect(engine.stats).to.deep.include({ windows: 3, hotSpots: 3 });
  });

  it("averages trip durations to JFK and LaGuardia per window, in whole seconds", () => {
    const engine = hourly();
    engine.add(trip(T0, TIMES_SQUARE, JFK, 40));
    engine.add(trip(T0 + 1_000, TIMES_SQUARE, JFK, 50));
    engine.add(trip(T0 + 2_000, UNION_SQUARE, LGA, 20));
    engine.add(trip(T0 + 3_000, UNION_SQUARE, UNION_SQUARE, 5)); // not to an airport
    engine.add(trip(T0 + 4_000, { lon: 0, lat: 0 }, JFK, 5)); // picked up outside the city
    expect(engine.flush().airportDurations).to.deep.equal([
      {
        airport: "JFK",
        trips: 2,
        averageSeconds: 2700,
        windowStart: T0,
        windowEnd: T0 + HOUR,
        documentId: "JFK_2009-01-05T00:00:00.000Z",
      },
      {
        airport: "LGA",
        trips: 1,
        averageSeconds: 1200,
        windowStart: T0,
        windowEnd: T0 + HOUR,
        documentId: "LGA_2009-01-05T00:00:00.000Z",
      },
    ]);
  });
});

describe("hot spots: the engine skips trips that are not usable", () => {
  const CLOCK = Date.UTC(2026, 11, 1);
  const engine = () =>
    new HotspotEngine(jobConfig({ windowMinutes: 60, minTrips: 2, outOfOrdernessSeconds: 0 }), { clock: () => CLOCK });
  const YEAR_2100 = Date.UTC(2100, 0, 1);

  // [title, the trip's fields that differ from a good one, the problem it is counted under]
  const cases: [string, Partial<HotspotTrip>, TripProblem][] = [
    ["no pickup time", { pickupTime: NaN }, "time"],
    ["no dropoff time", { dropoffTime: NaN }, "time"],
    ["a pickup before 1970", { pickupTime: -1000 }, "time"],
    ["no longitude", { pickupLon: NaN }, "position"],
    ["a longitude beyond 180", { dropoffLon: 180.5 }, "position"],
    ["a latitude beyond -90", { pickupLat: -91 }, "position"],
    ["an infinite latitude", { dropoffLat: Infinity }, "position"],
    ["a pickup in 2100", { pickupTime: YEAR_2100, dropoffTime: YEAR_2100 + 600_000 }, "future"],
    ["a dropoff in 2100", { dropoffTime: YEAR_2100 }, "future"],
    ["a pickup 5 min 1 s after the clock", { pickupTime: CLOCK + 301_000, dropoffTime: CLOCK + 400_000 }, "future"],
    ["no time and no position: time first", { pickupTime: NaN, pickupLat: NaN }, "time"],
    ["a bad position in 2100: position first", { pickupTime: YEAR_2100, pickupLat: NaN }, "position"],
  ];
  for (const [title, fields, problem] of cases) {
    it(`${problem}: ${title}`, () => {
      const e = engine();
      e.add(trip(T0));
      const watermark = e.watermark;
      expect(e.add({ ...trip(T0 + 1_000), ...fields })).to.deep.equal({ hotSpots: [], airportDurations: [] });
      expect(e.watermark).to.equal(watermark);
      expect(e.stats).to.deep.include({ events: 1, outsideBox: 0, late: 0 });
      expect(e.stats.skipped).to.deep.equal({ ...noProblems(), [problem]: 1 });
    });
  }

  it("counts a trip up to 5 minutes after the clock", () => {
    const e = engine();
    e.add(trip(CLOCK + 300_000, TIMES_SQUARE, UNION_SQUARE, 0));
    expect(e.stats).to.deep.include({ events: 1, skipped: noProblems() });
  });

  it("one pickup in 2100 does not make the trips after it late (it would stall the map until 2100)", () => {
    const e = engine();
    e.add(trip(T0));
    e.add(trip(YEAR_2100));
    e.add(trip(T0 + 1_000));
    const spots = [...e.add(trip(T0 + HOUR)).hotSpots, ...e.flush().hotSpots];
    expect(e.stats).to.deep.include({ events: 3, late: 0 });
    expect(spots.map((s) => [s.windowStart, s.count])).to.deep.equal([[T0, 2]]);
  });
});

describe("hot spots: the engine in batch mode (a bounded input)", () => {
  const config = jobConfig({ windowMinutes: 60, minTrips: 2, outOfOrdernessSeconds: 0 });
  const hours = [3, 0, 2, 0, 1, 3, 2, 1, 0];
  const trips = hours.map((h, i) => trip(T0 + h * HOUR + i * 1_000));

  it("counts every trip in its window whatever the order, and closes the windows in time order at the end", () => {
    const e = new HotspotEngine(config, { mode: "batch" });
    for (const t of trips) expect(e.add(t)).to.deep.equal({ hotSpots: [], airportDurations: [] });
    expect(e.watermark).to.equal(-Infinity);
    expect(e.flush().hotSpots.map((s) => [(s.windowStart - T0) / HOUR, s.count])).to.deep.equal([
      [0, 3],
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    expect(e.stats).to.deep.include({ events: 9, late: 0, windows: 4, hotSpots: 4 });
  });

  it("gives the same windows as the streaming engine on the trips sorted by pickup time", () => {
    const batch = new HotspotEngine(config, { mode: "batch" });
    trips.forEach((t) => batch.add(t));
    const streaming = new HotspotEngine(config);
    const sorted = [...trips].sort((a, b) => a.pickupTime - b.pickupTime);
    const streamed = sorted.flatMap((t) => streaming.add(t).hotSpots).concat(streaming.flush().hotSpots);
    expect(batch.flush().hotSpots).to.deep.equal(streamed);
  });

  it("the same file order in streaming mode drops most of it as late", () => {
    const e = new HotspotEngine(config);
    trips.forEach((t) => e.add(t));
    e.flush();
    expect(e.stats.late).to.equal(7); // everything after the first trip (hour 3) but the other hour-3 trip
  });
});
