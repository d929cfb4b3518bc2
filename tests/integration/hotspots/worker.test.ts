/**
 * The hot-spot worker (the processing worker with PROCESSOR_MODULE =
 * runtime/hotspots/hotspot-processor.ts) on kinesis-local and dynalite: taxi trips of a few
 * hourly windows are put into a stream, half of them in the registry's wire format, with
 * records that are not trips and trips no job can use among them (one in 2100); GET
 * /hotspots must show exactly the hot spots and airport durations counted here,
 * independently of the engine, and the records skipped by reason, and stop with the worker.
 *
 * The worker runs from source under ts-node (transpile-only), not from dist/: so this test
 * needs no `npm run build`. The compiled worker and module run in npm start
 * (local-stack.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { expect } from "chai";
import ngeohash from "ngeohash";

import { freePort } from "../../../runtime/local/ports";
import { LocalStream } from "../../../runtime/local/stream-setup";
import { LocalSchemaRegistry } from "../../../runtime/schemas/local-registry";
import { shippedSchemas } from "../../../runtime/schemas/shipped-schemas";
import { encode } from "../../../runtime/schemas/wire-format";
import { tripEvent } from "../../../runtime/replay/trip-event";
import { SkipReason } from "../../../runtime/hotspots/live-hotspots";
import { REPO_ROOT } from "../../harness/built";
import { ConsumerTestbed, FAST_WORKER_SETTINGS } from "../../harness/consumer-testbed";
import { eventually } from "../../harness/eventually";
import { IngestClient } from "../../harness/ingest-client";
import { ServiceProcess } from "../../harness/service-process";

const HOUR = 3_600_000;
const T0 = Date.UTC(2009, 0, 5);
const MIN_TRIPS = 2;
const RETAINED_WINDOWS = 2;

interface Place {
  lon: number;
  lat: number;
  /** Inside the airport's terminal box (job-config.ts AIRPORTS). */
  airport?: "JFK" | "LGA";
  /** Outside the job's New York box: counted as outsideBox, never a hot spot. */
  outside?: true;
}
const TIMES_SQUARE: Place = { lon: -73.9855, lat: 40.758 };
const UNION_SQUARE: Place = { lon: -73.9903, lat: 40.7359 };
const CENTRAL_PARK: Place = { lon: -73.9654, lat: 40.7829 };
const JFK: Place = { lon: -73.78, lat: 40.643, airport: "JFK" };
const LGA: Place = { lon: -73.87, lat: 40.772, airport: "LGA" };
const STATEN_ISLAND: Place = { lon: -74.15, lat: 40.58, outside: true };

interface Trip {
  hour: number;
  from: Place;
  to: Place;
  minutes: number;
  /** Sent after a later window closed its window: dropped and counted as late. */
  late?: true;
}

/**
 * One PutRecords call per batch, in this order: each batch closes the window of the one
 * before, so the order within a batch does not matter (PutRecords does not promise one).
 */
const BATCHES: Trip[][] = [
  [
    { hour: 0, from: TIMES_SQUARE, to: JFK, minutes: 30 },
    { hour: 0, from: TIMES_SQUARE, to: JFK, minutes: 40 },
    { hour: 0, from: TIMES_SQUARE, to: UNION_SQUARE, minutes: 10 },
    { hour: 0, from: UNION_SQUARE, to: TIMES_SQUARE, minutes: 12 },
    { hour: 0, from: UNION_SQUARE, to: TIMES_SQUARE, minutes: 8 },
    { hour: 0, from: CENTRAL_PARK, to: TIMES_SQUARE, minutes: 5 },
    { hour: 0, from: STATEN_ISLAND, to: UNION_SQUARE, minutes: 20 },
  ],
  [
    { hour: 1, from: UNION_SQUARE, to: UNION_SQUARE, minutes: 5 },
    { hour: 1, from: UNION_SQUARE, to: LGA, minutes: 25 },
    { hour: 1, from: JFK, to: TIMES_SQUARE, minutes: 45 },
    { hour: 1, from: JFK, to: UNION_SQUARE, minutes: 50 },
    { hour: 1, from: TIMES_SQUARE, to: JFK, minutes: 35 },
  ],
  [
    { hour: 2, from: TIMES_SQUARE, to: UNION_SQUARE, minutes: 10 },
    { hour: 2, from: TIMES_SQUARE, to: UNION_SQUARE, minutes: 11 },
    { hour: 2, from: LGA, to: TIMES_SQUARE, minutes: 20 },
    { hour: 2, from: CENTRAL_PARK, to: LGA, minutes: 15 },
  ],
  [
    { hour: 3, from: CENTRAL_PARK, to: TIMES_SQUARE, minutes: 5 },
    { hour: 0, from: TIMES_SQUARE, to: UNION_SQUARE, minutes: 10, late: true },
  ],
];
/** Records on the same stream that are not taxi trips: JSON objects count as trips without a time. */
const NOT_TRIPS: [string, SkipReason][] = [
  ['{"hello":"stream"}', "time"],
  ["not json at all", "notATrip"],
  ["[1,2,3]", "notATrip"],
];
const WEATHER_REPORT = { location: { city: "Seattle", state: "WA" }, temperature: 12, timestamp: 1700000000 };
/**
 * Trips no job can use, sent with the second batch. The one in 2100 would have moved the
 * watermark to 2100 and made every later trip late: the map would have stopped for good.
 */
const POISON_TRIPS: [Record<string, unknown>, SkipReason][] = [
  [
    { ...eventOf({ hour: 1, from: TIMES_SQUARE, to: JFK, minutes: 10 }, 7), pickupTime: "2100-01-01T00:00:00Z" },
    "future",
  ],
  [{ ...eventOf({ hour: 1, from: TIMES_SQUARE, to: JFK, minutes: 10 }, 8), pickupTime: null }, "time"],
  [{ ...eventOf({ hour: 1, from: TIMES_SQUARE, to: JFK, minutes: 10 }, 9), pickupLatitude: "north" }, "position"],
];

/** The processing worker from source, with the hot-spot processor. */
class HotspotWorker extends ServiceProcess {
  constructor(env: Record<string, string>) {
    super("the hot-spot worker", {
      execArgv: ["-r", "ts-node/register/transpile-only"],
      script: path.join("runtime", "processing", "main.ts"),
      // A clean environment, as on Fargate; cwd for ts-node to find tsconfig.json.
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, ...env },
    });
  }
}

describe("the hot-spot worker: GET /hotspots on a stream", function () {
  this.timeout(120_000);
  let testbed: ConsumerTestbed;
  let worker: HotspotWorker | undefined;
  let dir: string;

  before(async () => {
    testbed = await ConsumerTestbed.start();
    dir = mkdtempSync(path.join(tmpdir(), "hotspots-test-"));
  });
  afterEach(async () => {
    worker?.kill();
    await worker?.exitWithin(5_000).catch(() => undefined);
    worker = undefined;
  });
  after(async () => {
    await testbed?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The worker on `stream` with the hot-spot processor serving on `port`; `settings` override. */
  function startWorker(stream: LocalStream, port: number, settings: Record<string, string> = {}): HotspotWorker {
    worker = new HotspotWorker({
      ...FAST_WORKER_SETTINGS,
      AWS_REGION: "us-east-1",
      LOG_LEVEL: "warn",
      METRICS_INTERVAL_MS: "3600000",
      STREAM_NAME: stream.streamName,
      APPLICATION_NAME: testbed.newApplication().applicationName,
      WORKER_ID: "hotspots-1",
      KINESIS_ENDPOINT: testbed.emulators.kinesis.endpoint,
      DYNAMODB_ENDPOINT: testbed.emulators.dynamodb.endpoint,
      SCHEMA_REGISTRY_FILE: path.join(dir, "schema-registry.json"),
      PROCESSOR_MODULE: path.join(REPO_ROOT, "runtime", "hotspots", "hotspot-processor.ts"),
      HOTSPOTS_PORT: String(port),
      HOTSPOT_WINDOW_MINUTES: "60",
      HOTSPOT_GEOHASH_PRECISION: "6",
      HOTSPOT_MIN_TRIPS: String(MIN_TRIPS),
      HOTSPOT_OUT_OF_ORDERNESS_SECONDS: "0",
      HOTSPOT_RETAINED_WINDOWS: String(RETAINED_WINDOWS),
      ...settings,
    });
    return worker;
  }

  it("shows exactly the hot spots and airport trips of the latest closed windows, newest first, and stops on SIGTERM", async () => {
    // One shard: the worker then reads the batches in the order they were put.
    const stream = await testbed.createStream(1);
    const registry = new LocalSchemaRegistry({ file: path.join(dir, "schema-registry.json") });
    for (const s of shippedSchemas()) registry.register(s.name, s.definition);
    const port = await freePort();
    const running = startWorker(stream, port);
    const client = new IngestClient(`http://127.0.0.1:${port}`, { keepAlive: false, timeoutMs: 5_000 });
    const hotspots = () => client.get("/hotspots").catch(() => undefined);
    // Bounded waits that fail at once, with the worker's output, if the worker exits.
    const wait = { timeoutMs: 30_000, intervalMs: 200, process: running };
    await eventually(async () => (await hotspots())?.status === 200, { what: "GET /hotspots to answer", ...wait });

    const taxiTrip = registry.latest("taxi-trip").schemaVersionId;
    const weather = registry.latest("weather-report").schemaVersionId;
    let sent = 0;
    for (const [b, batch] of BATCHES.entries()) {
      const data = batch.map((trip, i) => {
        const json = Buffer.from(JSON.stringify(eventOf(trip, i)));
        // Every other trip in the registry's wire format, as the replay writes them.
        return (sent + i) % 2 === 0 ? json : encode(json, taxiTrip, { compression: "zlib" });
      });
      if (b === 1) data.push(...NOT_TRIPS.map(([text]) => Buffer.from(text)));
      if (b === 1) data.push(encode(Buffer.from(JSON.stringify(WEATHER_REPORT)), weather, { compression: "none" }));
      if (b === 1) data.push(...POISON_TRIPS.map(([event]) => Buffer.from(JSON.stringify(event))));
      await putBatch(testbed.kinesis, stream, data);
      sent += data.length;
    }

    const answer = await eventually(
      async () => {
        const got = await hotspots();
        const { events, skipped } = got?.body?.stats ?? {};
        return events + skipped === sent ? got : undefined;
      },
      { what: "every record to be counted", ...wait },
    );
    expect(answer.body).to.deep.equal(expected());

    const other = await client.get("/nothing-here");
    expect(other.status).to.equal(404);
    expect(other.body).to.include({ error: "not_found" });

    const exit = await running.stop("SIGTERM", 30_000);
    expect(exit, running.output()).to.deep.equal({ code: 0, signal: null });
    expect(await hotspots(), "GET /hotspots after the worker stopped").to.equal(undefined);
  });

  it("refuses a bad setting and a port in use: exit code 2, naming the variable and the value", async () => {
    const stream = await testbed.createStream(1);
    const bad = startWorker(stream, await freePort(), { HOTSPOT_WINDOW_MINUTES: "7" });
    expect((await bad.exitWithin(30_000)).code, bad.output()).to.equal(2);
    expect(bad.stderr).to.match(/^processing: HOTSPOT_WINDOW_MINUTES must be .*divides 1440.*, got 7/);

    const squatter = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      const taken = startWorker(stream, port);
      expect((await taken.exitWithin(30_000)).code, taken.output()).to.equal(2);
      expect(taken.stderr).to.include(`port ${port} (EADDRINUSE; set HOTSPOTS_PORT to another port)`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

/** The replay's event for a trip: minute i of its hour, so that a batch's trips differ. */
function eventOf(trip: Trip, i: number) {
  const pickupMs = T0 + trip.hour * HOUR + (i + 1) * 60_000;
  return tripEvent({
    vendor: "VTS",
    pickupMs,
    dropoffMs: pickupMs + trip.minutes * 60_000,
    passengerCount: 1,
    tripDistance: 2,
    pickupLongitude: trip.from.lon,
    pickupLatitude: trip.from.lat,
    dropoffLongitude: trip.to.lon,
    dropoffLatitude: trip.to.lat,
    fareAmount: 9,
    tipAmount: 1,
    totalAmount: 10,
    paymentType: "credit",
  });
}

/**
 * What GET /hotspots must answer, counted here from BATCHES: windows 0..2 close (window 3
 * stays open, its end not yet passed), the newest RETAINED_WINDOWS of them are shown.
 */
function expected() {
  const trips = BATCHES.flat();
  const counted = trips.filter((t) => !t.late && !t.from.outside);
  const closedHours = [...new Set(counted.map((t) => t.hour))].sort((a, b) => a - b).slice(0, -1);
  const windows = closedHours.map((hour) => {
    const inWindow = counted.filter((t) => t.hour === hour);
    const pickups = new Map<string, number>();
    for (const t of inWindow) {
      const cell = ngeohash.encode(t.from.lat, t.from.lon, 6);
      pickups.set(cell, (pickups.get(cell) ?? 0) + 1);
    }
    const airports = (["JFK", "LGA"] as const)
      .map((airport) => inWindow.filter((t) => t.to.airport === airport))
      .filter((toAirport) => toAirport.length > 0)
      .map((toAirport) => ({
        airport: toAirport[0].to.airport,
        trips: toAirport.length,
        averageSeconds: (toAirport.reduce((sum, t) => sum + t.minutes, 0) * 60) / toAirport.length,
      }));
    return {
      windowStart: new Date(T0 + hour * HOUR).toISOString(),
      windowEnd: new Date(T0 + (hour + 1) * HOUR).toISOString(),
      hotSpots: [...pickups]
        .filter(([, count]) => count >= MIN_TRIPS)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([cell, count]) => {
          const { latitude, longitude } = ngeohash.decode(cell);
          return { cell, location: { lat: latitude, lon: longitude }, count };
        }),
      airports,
    };
  });
  // The weather report is a JSON object without a trip's time.
  const reasons: SkipReason[] = [...NOT_TRIPS, ...POISON_TRIPS].map(([, reason]) => reason).concat("time");
  const skippedBy = { notATrip: 0, time: 0, position: 0, future: 0 };
  for (const reason of reasons) skippedBy[reason]++;
  return {
    windows: windows.reverse().slice(0, RETAINED_WINDOWS),
    stats: {
      events: trips.length,
      late: trips.filter((t) => t.late).length,
      outsideBox: trips.filter((t) => t.from.outside).length,
      skipped: reasons.length,
      skippedBy,
    },
  };
}

/** One PutRecords call, onto the stream's single shard. */
async function putBatch(kinesis: KinesisClient, stream: LocalStream, data: Buffer[]): Promise<void> {
  const put = await kinesis.send(
    new PutRecordsCommand({
      StreamName: stream.streamName,
      Records: data.map((Data) => ({ PartitionKey: "trips", Data })),
    }),
  );
  expect(put.FailedRecordCount).to.equal(0);
}
