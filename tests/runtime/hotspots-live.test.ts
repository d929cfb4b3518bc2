/**
 * The hot-spot job on a stream (runtime/hotspots/hotspot-processor.ts), its pure parts: a
 * taxi-trip event as a HotspotTrip, the retention of closed windows, a record stream
 * through LiveHotspots, the settings, and the local stack's watermark delay.
 */
import { expect } from "chai";

import { ConsumerRecord } from "../../runtime/consumer/record-processor";
import { ClosedWindows } from "../../runtime/hotspots/engine";
import { readHotspotSettings } from "../../runtime/hotspots/hotspot-settings";
import { jobConfig, JOB_DEFAULTS } from "../../runtime/hotspots/job-config";
import { LiveHotspots } from "../../runtime/hotspots/live-hotspots";
import { RecentWindows } from "../../runtime/hotspots/recent-windows";
import { tripFromEvent } from "../../runtime/hotspots/trip-from-event";
import { localOutOfOrdernessSeconds } from "../../runtime/local/hotspots-child";
import { tripEvent } from "../../runtime/replay/trip-event";
import { SettingsError } from "../../runtime/env";

const HOUR = 3_600_000;
const T0 = Date.UTC(2009, 0, 5);
const TIMES_SQUARE = { lon: -73.9855, lat: 40.758 }; // cell dr5ru7 at precision 6

/** A trip event exactly as the replay writes it (runtime/replay/trip-event.ts). */
function event(pickupMs: number, at = TIMES_SQUARE, minutes = 10): Record<string, unknown> {
  return {
    ...tripEvent({
      vendor: "VTS",
      pickupMs,
      dropoffMs: pickupMs + minutes * 60_000,
      passengerCount: 1,
      tripDistance: 1.2,
      pickupLongitude: at.lon,
      pickupLatitude: at.lat,
      dropoffLongitude: -73.78, // JFK
      dropoffLatitude: 40.643,
      fareAmount: 7,
      tipAmount: 1,
      totalAmount: 8,
      paymentType: "credit",
    }),
  };
}

describe("hot spots on the stream: a taxi-trip event as a HotspotTrip", () => {
  const valid = event(Date.UTC(2009, 0, 24, 21, 18, 23));
  it("reads the replay's event: times with New York's offset to epoch ms, positions as they are", () => {
    expect(valid.pickupTime).to.equal("2009-01-24T16:18:23-05:00");
    expect(tripFromEvent(valid)).to.deep.equal({
      pickupTime: Date.UTC(2009, 0, 24, 21, 18, 23),
      pickupLon: TIMES_SQUARE.lon,
      pickupLat: TIMES_SQUARE.lat,
      dropoffTime: Date.UTC(2009, 0, 24, 21, 28, 23),
      dropoffLon: -73.78,
      dropoffLat: 40.643,
    });
  });

  const cases: [string, unknown, boolean][] = [
    ["UTC times with fractions", { ...valid, pickupTime: "2009-01-24T21:18:23.5Z" }, true],
    ["a field a later schema version adds", { ...valid, congestionSurcharge: 2.5 }, true],
    ["only the six fields the job reads", pick(valid, "pickup", "dropoff"), true],
    ["a missing pickup time", { ...valid, pickupTime: undefined }, false],
    ["a TLC time without offset", { ...valid, pickupTime: "2009-01-24 16:18:23" }, false],
    ["a time that is no time", { ...valid, dropoffTime: "2009-01-24T25:00:00Z" }, false],
    ["a time as epoch ms", { ...valid, pickupTime: 1232831903000 }, false],
    ["a position as a string", { ...valid, pickupLongitude: "-73.98" }, false],
    ["a missing position", { ...valid, dropoffLatitude: undefined }, false],
    ["a position that is null", { ...valid, pickupLatitude: null }, false],
    ["another kind of event", { location: { city: "Seattle" }, temperature: 12 }, false],
    ["an array", [valid], false],
    ["a string", "trip", false],
    ["null", null, false],
    ["nothing (not JSON)", undefined, false],
  ];
  for (const [title, input, isTrip] of cases) {
    it(`${isTrip ? "reads" : "skips"}: ${title}`, () => {
      expect(tripFromEvent(input) !== undefined).to.equal(isTrip);
    });
  }
});

describe("hot spots on the stream: the closed windows kept", () => {
  const closed = (...starts: number[]): ClosedWindows => ({
    hotSpots: starts.map((start) => ({
      cell: "dr5ru7",
      location: { lat: 40.7, lon: -73.9 },
      count: 3,
      windowStart: start,
      windowEnd: start + HOUR,
      documentId: `dr5ru7_${start}`,
    })),
    airportDurations: starts.map((start) => ({
      airport: "JFK" as const,
      trips: 1,
      averageSeconds: 600,
      windowStart: start,
      windowEnd: start + HOUR,
      documentId: `JFK_${start}`,
    })),
  });
  const startsOf = (windows: RecentWindows) =>
    windows.newestFirst().map((w) => (Date.parse(w.windowStart) - T0) / HOUR);

  // [title, limit, batches of window starts (hours after T0) as the engine closes them, starts kept newest first]
  const cases: [string, number, number[][], number[]][] = [
    ["nothing closed yet", 3, [], []],
    ["fewer than the limit", 3, [[0], [1]], [1, 0]],
    ["exactly the limit", 3, [[0], [1], [2]], [2, 1, 0]],
    ["the oldest dropped past the limit", 3, [[0], [1], [2], [3], [4]], [4, 3, 2]],
    ["several windows closed by one event", 2, [[0, 1, 2]], [2, 1]],
    ["a limit of one", 1, [[0], [1, 2]], [2]],
  ];
  for (const [title, limit, batches, kept] of cases) {
    it(title, () => {
      const windows = new RecentWindows(limit);
      for (const starts of batches) windows.add(closed(...starts.map((h) => T0 + h * HOUR)));
      expect(startsOf(windows)).to.deep.equal(kept);
    });
  }

  it("shows a window with its hot spots and airports, times as ISO strings, without document ids", () => {
    const windows = new RecentWindows(2);
    windows.add(closed(T0));
    expect(windows.newestFirst()).to.deep.equal([
      {
        windowStart: "2009-01-05T00:00:00.000Z",
        windowEnd: "2009-01-05T01:00:00.000Z",
        hotSpots: [{ cell: "dr5ru7", location: { lat: 40.7, lon: -73.9 }, count: 3 }],
        airports: [{ airport: "JFK", trips: 1, averageSeconds: 600 }],
      },
    ]);
  });
});

describe("hot spots on the stream: records through the live job", () => {
  const record = (data: string, decoded?: unknown): ConsumerRecord => ({
    shardId: "shardId-000000000000",
    partitionKey: "k",
    sequenceNumber: "1",
    data: Buffer.from(data),
    ...(decoded !== undefined
      ? { value: decoded, schema: { schemaName: "taxi-trip", versionNumber: 1, schemaVersionId: "id" } }
      : {}),
  });

  it("counts plain and schema-decoded trips, skips other records, and shows closed windows newest first", () => {
    const job = new LiveHotspots(
      jobConfig({ windowMinutes: 60, geohashPrecision: 6, minTrips: 2, outOfOrdernessSeconds: 0 }),
      5,
    );
    const trip = (ms: number) => JSON.stringify(event(ms));
    job.add(record(trip(T0 + 1_000)));
    job.add(record("{}", event(T0 + 2_000))); // decoded from the wire format: value, not data, is read
    job.add(record("not json"));
    job.add(record(JSON.stringify({ hello: "stream" })));
    job.add(record(trip(T0 + HOUR + 1_000))); // closes the first window
    job.add(record(trip(T0 + 5_000))); // late: its window is closed
    job.add(record(trip(T0 + HOUR + 2_000), event(T0 + 5 * HOUR))); // the decoded value wins: closes 1 h..2 h
    const { windows, stats } = job.view();
    expect(stats).to.deep.equal({ events: 5, late: 1, outsideBox: 0, skipped: 2 });
    expect(windows.map((w) => [w.windowStart, w.hotSpots.map((s) => [s.cell, s.count]), w.airports])).to.deep.equal([
      ["2009-01-05T01:00:00.000Z", [], [{ airport: "JFK", trips: 1, averageSeconds: 600 }]],
      ["2009-01-05T00:00:00.000Z", [["dr5ru7", 2]], [{ airport: "JFK", trips: 2, averageSeconds: 600 }]],
    ]);
  });
});

describe("hot spots on the stream: settings", () => {
  const valid: [string, Record<string, string>, ReturnType<typeof readHotspotSettings>][] = [
    ["defaults: no endpoint, the job's defaults", {}, { port: 0, config: JOB_DEFAULTS, retainedWindows: 24 }],
    [
      "every variable",
      {
        HOTSPOTS_PORT: "3001",
        HOTSPOT_WINDOW_MINUTES: "60",
        HOTSPOT_GEOHASH_PRECISION: "7",
        HOTSPOT_MIN_TRIPS: "2",
        HOTSPOT_OUT_OF_ORDERNESS_SECONDS: "7200",
        HOTSPOT_RETAINED_WINDOWS: "1",
      },
      {
        port: 3001,
        config: { windowMinutes: 60, geohashPrecision: 7, minTrips: 2, outOfOrdernessSeconds: 7200 },
        retainedWindows: 1,
      },
    ],
    ["empty values count as unset", { HOTSPOTS_PORT: "", HOTSPOT_MIN_TRIPS: "" }, readHotspotSettings({})],
  ];
  for (const [title, env, expected] of valid) {
    it(`accepts: ${title}`, () => expect(readHotspotSettings(env)).to.deep.equal(expected));
  }

  const invalid: [string, Record<string, string>, RegExp][] = [
    ["a port above 65535", { HOTSPOTS_PORT: "65536" }, /HOTSPOTS_PORT="65536" .*integer from 0 to 65535/],
    [
      "a window that does not divide a day",
      { HOTSPOT_WINDOW_MINUTES: "7" },
      /HOTSPOT_WINDOW_MINUTES="7" .*divides 1440/,
    ],
    ["a window in exponent notation", { HOTSPOT_WINDOW_MINUTES: "6e1" }, /HOTSPOT_WINDOW_MINUTES="6e1"/],
    ["precision 13", { HOTSPOT_GEOHASH_PRECISION: "13" }, /HOTSPOT_GEOHASH_PRECISION="13" .*from 1 to 12/],
    ["zero trips", { HOTSPOT_MIN_TRIPS: "0" }, /HOTSPOT_MIN_TRIPS="0" .*from 1 to 1000000/],
    ["a fractional delay", { HOTSPOT_OUT_OF_ORDERNESS_SECONDS: "1.5" }, /HOTSPOT_OUT_OF_ORDERNESS_SECONDS="1.5"/],
    ["no windows kept", { HOTSPOT_RETAINED_WINDOWS: "0" }, /HOTSPOT_RETAINED_WINDOWS="0" .*from 1 to 1000/],
  ];
  for (const [title, env, message] of invalid) {
    it(`rejects: ${title}`, () => expect(() => readHotspotSettings(env)).to.throw(SettingsError, message));
  }

  it("reports every bad variable in one error", () => {
    expect(() => readHotspotSettings({ HOTSPOTS_PORT: "x", HOTSPOT_MIN_TRIPS: "-1" }))
      .to.throw(SettingsError)
      .with.property("message")
      .that.matches(/HOTSPOTS_PORT="x"/)
      .and.matches(/HOTSPOT_MIN_TRIPS="-1"/);
  });
});

describe("hot spots on the stream: the local stack's watermark delay", () => {
  const cases: [number | undefined, number][] = [
    [undefined, 300], // no replay: the job's default
    [1, 300], // slow replays: never below it
    [150, 300],
    [3600, 7200], // the default replay: two seconds of shard skew are two hours of event time
    [100_000, 86_400], // the job's limit
  ];
  for (const [speedup, seconds] of cases) {
    it(`speedup ${speedup}: ${seconds} s`, () => expect(localOutOfOrdernessSeconds(speedup)).to.equal(seconds));
  }
});

function pick(event: Record<string, unknown>, ...prefixes: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([key]) => prefixes.some((p) => key.startsWith(p))));
}
