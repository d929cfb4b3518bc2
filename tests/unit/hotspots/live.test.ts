/**
 * The hot-spot job on a stream (runtime/hotspots/hotspot-processor.ts), its pure parts: a
 * taxi-trip event as a HotspotTrip, the retention of closed windows, a record stream
 * through LiveHotspots, the settings, and the local stack's watermark delay.
 */
import { expect } from "chai";

import { ConsumerRecord } from "../../../runtime/processing/record-processor";
import { ClosedWindows } from "../../../runtime/hotspots/engine";
import { readHotspotSettings } from "../../../runtime/hotspots/hotspot-settings";
import { jobConfig, JOB_DEFAULTS } from "../../../runtime/hotspots/job-config";
import { LiveHotspots, SkipReason } from "../../../runtime/hotspots/live-hotspots";
import { RecentWindows } from "../../../runtime/hotspots/recent-windows";
import { flinkJsonDouble } from "../../../runtime/hotspots/flink-json-double";
import { tripFromEvent } from "../../../runtime/hotspots/trip-from-event";
import { tripProblem } from "../../../runtime/hotspots/usable-trip";
import { localOutOfOrdernessSeconds } from "../../../runtime/local/hotspots-child";
import { tripEvent } from "../../../runtime/replay/trip-event";
import { SettingsError } from "../../../runtime/common/env";

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

  it("reads a fraction of a second off, and an impossible day rolled into the next month, as Flink does", () => {
    expect(tripFromEvent({ ...valid, pickupTime: "2009-01-24T21:18:23.999Z" })!.pickupTime).to.equal(
      Date.UTC(2009, 0, 24, 21, 18, 23),
    );
    expect(tripFromEvent({ ...valid, pickupTime: "2009-02-30T10:00:00+01:00" })!.pickupTime).to.equal(
      Date.UTC(2009, 2, 2, 9),
    );
  });

  // What the engine makes of an event: counted as a trip, skipped by its problem, or not a trip at all.
  const CLOCK = Date.UTC(2026, 11, 1);
  const classify = (input: unknown) => {
    const trip = tripFromEvent(input);
    return trip === undefined ? "notATrip" : (tripProblem(trip, CLOCK) ?? "trip");
  };
  const at = (ms: number) => new Date(ms).toISOString().replace(".000", "");
  const cases: [string, unknown, ReturnType<typeof classify>][] = [
    ["UTC times with fractions", { ...valid, pickupTime: "2009-01-24T21:18:23.5Z" }, "trip"],
    ["a field a later schema version adds", { ...valid, congestionSurcharge: 2.5 }, "trip"],
    ["only the six fields the job reads", pick(valid, "pickup", "dropoff"), "trip"],
    ["a missing pickup time", { ...valid, pickupTime: undefined }, "time"],
    ["a pickup time that is null", { ...valid, pickupTime: null }, "time"],
    ["a TLC time without offset", { ...valid, pickupTime: "2009-01-24 16:18:23" }, "time"],
    ["a time that is no time", { ...valid, dropoffTime: "2009-01-24T25:00:00Z" }, "time"],
    ["garbage for a time", { ...valid, pickupTime: "yesterday at noon" }, "time"],
    ["a time with a line break after it", { ...valid, pickupTime: "2009-01-24T21:18:23Z\n" }, "time"],
    ["a time in lower case", { ...valid, pickupTime: "2009-01-24t21:18:23z" }, "time"],
    ["a time as epoch ms", { ...valid, pickupTime: 1232831903000 }, "time"],
    ["a time as an object", { ...valid, pickupTime: { iso: "2009-01-24T21:18:23Z" } }, "time"],
    ["a second before 1970", { ...valid, pickupTime: "1969-12-31T23:59:59Z" }, "time"],
    ["the year 75", { ...valid, dropoffTime: "0075-01-24T21:18:23Z" }, "time"],
    ["1970 exactly", { ...valid, pickupTime: "1970-01-01T00:00:00Z" }, "trip"],
    ["a position as a numeric string (Flink's json format reads it)", { ...valid, pickupLongitude: "-73.98" }, "trip"],
    ["...with Java's spaces and suffix", { ...valid, pickupLatitude: " 40.758d " }, "trip"],
    ["a position that is a word", { ...valid, pickupLongitude: "west" }, "position"],
    ["a missing position", { ...valid, dropoffLatitude: undefined }, "position"],
    ["a position that is null", { ...valid, pickupLatitude: null }, "position"],
    ["a position that is true", { ...valid, pickupLatitude: true }, "position"],
    ["NaN as a string", { ...valid, pickupLongitude: "NaN" }, "position"],
    ["Infinity as a string", { ...valid, dropoffLongitude: "-Infinity" }, "position"],
    ["a huge number", { ...valid, pickupLatitude: JSON.parse("123456789012345678901234567890") }, "position"],
    ["a number beyond a double", { ...valid, pickupLongitude: JSON.parse("1e400") }, "position"],
    ["a latitude beyond the pole", { ...valid, dropoffLatitude: 90.0001 }, "position"],
    ["an object for a number", { ...valid, pickupLongitude: { value: -73.98 } }, "position"],
    ["an array for a number", { ...valid, pickupLatitude: [40.758] }, "position"],
    ["a southern latitude (a sign slip): a trip, outside the box", { ...valid, pickupLatitude: -40.758 }, "trip"],
    ["a pickup in 2100", { ...valid, pickupTime: "2100-01-01T00:00:00Z" }, "future"],
    ["a dropoff in 2100", { ...valid, dropoffTime: "2100-01-01T00:00:00Z" }, "future"],
    ["a pickup 5 minutes after the clock", { ...valid, pickupTime: at(CLOCK + 300_000) }, "trip"],
    ["a pickup 5 minutes and 1 s after the clock", { ...valid, pickupTime: at(CLOCK + 301_000) }, "future"],
    ["an unreadable time before a bad position", { ...valid, pickupTime: "x", pickupLatitude: "y" }, "time"],
    [
      "a bad position before a future time",
      { ...valid, pickupTime: "2100-01-01T00:00:00Z", pickupLatitude: "y" },
      "position",
    ],
    ["another kind of event", { location: { city: "Seattle" }, temperature: 12 }, "time"],
    ["an empty object", {}, "time"],
    ["an array", [valid], "notATrip"],
    ["a string", "trip", "notATrip"],
    ["a number", 42, "notATrip"],
    ["null", null, "notATrip"],
    ["nothing (not JSON)", undefined, "notATrip"],
  ];
  for (const [title, input, outcome] of cases) {
    it(`${outcome}: ${title}`, () => {
      expect(classify(input)).to.equal(outcome);
    });
  }
});

describe("hot spots on the stream: a coordinate as Flink's json format reads a DOUBLE", () => {
  // Java's Double.parseDouble of the token's text, for anything but a JSON number.
  const cases: [unknown, number][] = [
    [-73.98, -73.98],
    ["-73.98", -73.98],
    [" \t40.5\n", 40.5],
    ["40.5d", 40.5],
    ["40.5F", 40.5],
    ["+1e2", 100],
    [".5", 0.5],
    ["5.", 5],
    ["0x1.8p1", 3],
    ["-0x10P-4", -1],
    ["NaN", NaN],
    ["Infinity", NaN],
    ["", NaN],
    ["1,5", NaN],
    ["40.5 north", NaN],
    ["0x1.8", NaN],
    ["0xp1", NaN],
    [true, NaN],
    [null, NaN],
    [undefined, NaN],
    [{ value: 1 }, NaN],
    [[1], NaN],
  ];
  for (const [value, number] of cases) {
    it(`${JSON.stringify(value) ?? "undefined"} is ${number}`, () => expect(flinkJsonDouble(value)).to.eql(number));
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
    // A tenant's record, as ingest writes it: the job reads its data and nothing of its key.
    tenant: "acme",
    partitionKey: "acme|k",
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
    expect(stats).to.deep.equal({
      events: 5,
      late: 1,
      outsideBox: 0,
      skipped: 2,
      skippedBy: { notATrip: 1, time: 1, position: 0, future: 0 },
    });
    expect(windows.map((w) => [w.windowStart, w.hotSpots.map((s) => [s.cell, s.count]), w.airports])).to.deep.equal([
      ["2009-01-05T01:00:00.000Z", [], [{ airport: "JFK", trips: 1, averageSeconds: 600 }]],
      ["2009-01-05T00:00:00.000Z", [["dr5ru7", 2]], [{ airport: "JFK", trips: 2, averageSeconds: 600 }]],
    ]);
  });
});

describe("hot spots on the stream: poison records", () => {
  const CLOCK = Date.UTC(2026, 11, 1);
  const trip = (ms: number, at = TIMES_SQUARE) => event(ms, at);
  const plain = (value: unknown): ConsumerRecord => raw(Buffer.from(JSON.stringify(value)));
  const raw = (data: Buffer): ConsumerRecord => ({
    shardId: "shardId-000000000000",
    // A tenant's record, as ingest writes it: the job reads its data and nothing of its key.
    tenant: "acme",
    partitionKey: "acme|k",
    sequenceNumber: "1",
    data,
  });
  /** A record in the registry's wire format as the worker hands it over: decoded, its JSON in `value`. */
  const decoded = (value: unknown): ConsumerRecord => ({
    ...raw(Buffer.from("{}")),
    schema: { schemaName: "taxi-trip", versionNumber: 1, schemaVersionId: "0b0c0d0e-0000-4000-8000-000000000000" },
    value,
  });
  const good = trip(T0 + 60_000);
  // [what it is, the record, how the job counts it]
  const POISON: [string, ConsumerRecord, SkipReason | "outsideBox" | "counted"][] = [
    ["a missing pickup time", plain({ ...good, pickupTime: undefined }), "time"],
    ["a null pickup time", plain({ ...good, pickupTime: null }), "time"],
    ["garbage for a time", plain({ ...good, dropoffTime: "soon" }), "time"],
    ["a time before 1970", plain({ ...good, pickupTime: "1969-07-20T20:17:40Z" }), "time"],
    [
      "a pickup in 2100",
      plain({ ...good, pickupTime: "2100-01-01T00:00:00Z", dropoffTime: "2100-01-01T00:10:00Z" }),
      "future",
    ],
    ["a dropoff in 2100", plain({ ...good, dropoffTime: "2100-01-01T00:10:00Z" }), "future"],
    ["negative coordinates (a sign slip)", plain({ ...good, pickupLatitude: -40.758 }), "outsideBox"],
    ["a string for a number", plain({ ...good, pickupLongitude: "west" }), "position"],
    [
      "a numeric string for a number (read as Flink reads it)",
      plain({ ...good, pickupLongitude: "-73.9855" }),
      "counted",
    ],
    ["a huge number", plain({ ...good, pickupLatitude: 1e300 }), "position"],
    ["NaN as a string", plain({ ...good, pickupLatitude: "NaN" }), "position"],
    ["Infinity as a string", plain({ ...good, dropoffLongitude: "Infinity" }), "position"],
    ["an object where a number is expected", plain({ ...good, pickupLongitude: { degrees: -73.9855 } }), "position"],
    ["an empty object", plain({}), "time"],
    ["the ingest example of docs/local.md", plain({ hello: "stream" }), "time"],
    ["a JSON array", plain([good]), "notATrip"],
    ["a JSON number", plain(42), "notATrip"],
    ["JSON null", plain(null), "notATrip"],
    ["non-JSON bytes", raw(Buffer.from([0xff, 0xfe, 0x00, 0x7b])), "notATrip"],
    ["a wire-format record whose payload is a string", decoded("not a trip"), "notATrip"],
    ["a wire-format record whose payload has no usable time", decoded({ ...good, pickupTime: 42 }), "time"],
    [
      "wire-format bytes left undecoded",
      raw(Buffer.concat([Buffer.from([3, 0]), Buffer.alloc(16, 1), Buffer.from("x")])),
      "notATrip",
    ],
  ];

  it("never throws, moves nothing, and counts each by its reason; the trips around them are counted as before", () => {
    const job = new LiveHotspots(jobConfig({ windowMinutes: 60, minTrips: 2, outOfOrdernessSeconds: 0 }), 5, {
      clock: () => CLOCK,
    });
    job.add(plain(trip(T0 + 1_000)));
    job.add(plain(trip(T0 + 2_000)));
    for (const [title, record] of POISON) expect(() => job.add(record), title).not.to.throw();
    // After them, in the same window: a poison record that moved the watermark would make these late.
    job.add(plain(trip(T0 + 3_000)));
    job.add(decoded(trip(T0 + 4_000)));
    job.add(plain(trip(T0 + HOUR))); // closes the first hour
    const { windows, stats } = job.view();
    const tally = (reason: string) => POISON.filter(([, , r]) => r === reason).length;
    expect(stats).to.deep.equal({
      events: 5 + tally("outsideBox") + tally("counted"),
      late: 0,
      outsideBox: tally("outsideBox"),
      skipped: POISON.length - tally("outsideBox") - tally("counted"),
      skippedBy: {
        notATrip: tally("notATrip"),
        time: tally("time"),
        position: tally("position"),
        future: tally("future"),
      },
    });
    expect(Object.values(stats.skippedBy).every((n) => n > 0)).to.equal(true);
    expect(windows.map((w) => [w.windowStart, w.hotSpots.map((h) => [h.cell, h.count])])).to.deep.equal([
      ["2009-01-05T00:00:00.000Z", [["dr5ru7", 4 + tally("counted")]]],
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
    ["a port above 65535", { HOTSPOTS_PORT: "65536" }, /HOTSPOTS_PORT must be an integer from 0 to 65535, got 65536/],
    [
      "a window that does not divide a day",
      { HOTSPOT_WINDOW_MINUTES: "7" },
      /HOTSPOT_WINDOW_MINUTES must be .*divides 1440.*, got 7/,
    ],
    ["a window in exponent notation", { HOTSPOT_WINDOW_MINUTES: "6e1" }, /HOTSPOT_WINDOW_MINUTES must be .*, got 6e1/],
    [
      "precision 13",
      { HOTSPOT_GEOHASH_PRECISION: "13" },
      /HOTSPOT_GEOHASH_PRECISION must be an integer from 1 to 12.*, got 13/,
    ],
    ["zero trips", { HOTSPOT_MIN_TRIPS: "0" }, /HOTSPOT_MIN_TRIPS must be an integer from 1 to 1000000, got 0/],
    [
      "a fractional delay",
      { HOTSPOT_OUT_OF_ORDERNESS_SECONDS: "1.5" },
      /HOTSPOT_OUT_OF_ORDERNESS_SECONDS must be .*, got 1.5/,
    ],
    [
      "no windows kept",
      { HOTSPOT_RETAINED_WINDOWS: "0" },
      /HOTSPOT_RETAINED_WINDOWS must be an integer from 1 to 1000, got 0/,
    ],
  ];
  for (const [title, env, message] of invalid) {
    it(`rejects: ${title}`, () => expect(() => readHotspotSettings(env)).to.throw(SettingsError, message));
  }

  it("reports every bad variable in one error", () => {
    expect(() => readHotspotSettings({ HOTSPOTS_PORT: "x", HOTSPOT_MIN_TRIPS: "-1" }))
      .to.throw(SettingsError)
      .with.property("message")
      .that.matches(/HOTSPOTS_PORT must be .*, got x/)
      .and.matches(/HOTSPOT_MIN_TRIPS must be .*, got -1/);
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
