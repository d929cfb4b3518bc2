/**
 * The hot-spot job in TypeScript, with the semantics of the Flink SQL of flink-sql.ts, so
 * that it runs locally and tests can check the job on the shipped data:
 * - event time is the pickup time; the watermark is the latest pickup time seen minus the
 *   out-of-orderness (the SQL's WATERMARK FOR pickup_ts AS pickup_ts - INTERVAL ...), and
 *   it advances on every event, inside the box or not, because Flink computes it in the
 *   source, before the WHERE;
 * - tumbling windows aligned to the epoch close when the watermark reaches their last
 *   millisecond (Flink: watermark >= window end - 1); an event whose window is already
 *   closed is late, dropped and counted (Flink drops it too, with allowed lateness 0);
 * - the watermark moves after each event, as if Flink emitted one after every record; Flink
 *   emits periodically (200 ms by default), which can only make it accept more, not fewer;
 * - one stream partition: Flink takes the minimum over its source splits;
 * - a trip that is not usable (usable-trip.ts) is skipped and counted by its problem before
 *   anything else, and moves nothing: the SQL gives such a row a rowtime before 1970,
 *   which never raises the watermark, and filters it out.
 * In batch mode (a bounded input, as Flink's BATCH execution mode runs the same SQL) there
 * is no watermark until the end: every usable trip counts in its window whatever its order,
 * and flush() closes the windows.
 */
import { AIRPORTS, AirportCode, insideBox, JobConfig, NYC_BOX } from "./job-config";
import { cellCentre, pickupCell, windowStartOf } from "./cell";
import { HotspotTrip } from "./trip";
import { documentId } from "./document-id";
import { TRIP_PROBLEMS, TripProblem, tripProblem } from "./usable-trip";

export interface HotSpot {
  readonly cell: string;
  readonly location: { lat: number; lon: number };
  readonly count: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** As the OpenSearch sink's PRIMARY KEY (cell, windowStart): a restart overwrites. */
  readonly documentId: string;
}

export interface AirportDuration {
  readonly airport: AirportCode;
  readonly trips: number;
  readonly averageSeconds: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly documentId: string;
}

export interface ClosedWindows {
  readonly hotSpots: HotSpot[];
  readonly airportDurations: AirportDuration[];
}

export interface EngineStats {
  /** Usable trips: those counted, plus those outside the box or late. */
  events: number;
  /** Trips that are not usable, by their first problem; not among the events. */
  skipped: Record<TripProblem, number>;
  outsideBox: number;
  late: number;
  /** Windows closed that held at least one pickup inside the box. */
  windows: number;
  hotSpots: number;
}

interface OpenWindow {
  readonly pickups: Map<string, number>;
  readonly airports: Map<AirportCode, { trips: number; seconds: number }>;
}

/** streaming: windows close as the watermark passes them (Flink's default); batch: at the end. */
export type EngineMode = "streaming" | "batch";

export interface EngineOptions {
  /** Default streaming. */
  mode?: EngineMode;
  /** The job's clock, epoch ms, for the bound on future times; default Date.now. */
  clock?: () => number;
}

export class HotspotEngine {
  readonly stats: EngineStats = {
    events: 0,
    skipped: noProblems(),
    outsideBox: 0,
    late: 0,
    windows: 0,
    hotSpots: 0,
  };
  readonly mode: EngineMode;
  private readonly clock: () => number;
  private readonly windowMs: number;
  private readonly outOfOrdernessMs: number;
  private maxPickupTime = -Infinity;
  private readonly open = new Map<number, OpenWindow>();

  constructor(
    private readonly config: JobConfig,
    options: EngineOptions = {},
  ) {
    this.mode = options.mode ?? "streaming";
    this.clock = options.clock ?? Date.now;
    this.windowMs = config.windowMinutes * 60_000;
    this.outOfOrdernessMs = config.outOfOrdernessSeconds * 1000;
  }

  /** -Infinity in batch mode until flush(): nothing is late, nothing closes early. */
  get watermark(): number {
    return this.maxPickupTime - this.outOfOrdernessMs;
  }

  add(trip: HotspotTrip): ClosedWindows {
    const problem = tripProblem(trip, this.clock());
    if (problem !== undefined) {
      this.stats.skipped[problem]++;
      return { hotSpots: [], airportDurations: [] };
    }
    this.stats.events++;
    this.count(trip);
    if (this.mode === "batch") return { hotSpots: [], airportDurations: [] };
    this.maxPickupTime = Math.max(this.maxPickupTime, trip.pickupTime);
    return this.closeThrough(this.watermark);
  }

  /** End of input: closes every open window, as Flink does with its final watermark. */
  flush(): ClosedWindows {
    return this.closeThrough(Infinity);
  }

  private count(trip: HotspotTrip): void {
    if (!insideBox(NYC_BOX, trip.pickupLon, trip.pickupLat)) {
      this.stats.outsideBox++;
      return;
    }
    const start = windowStartOf(trip.pickupTime, this.windowMs);
    if (start + this.windowMs - 1 <= this.watermark) {
      this.stats.late++;
      return;
    }
    const window = this.windowAt(start);
    const cell = pickupCell(trip.pickupLon, trip.pickupLat, this.config.geohashPrecision);
    window.pickups.set(cell, (window.pickups.get(cell) ?? 0) + 1);
    const airport = airportOf(trip);
    if (airport) {
      const sum = window.airports.get(airport) ?? { trips: 0, seconds: 0 };
      window.airports.set(airport, { trips: sum.trips + 1, seconds: sum.seconds + tripSeconds(trip) });
    }
  }

  private windowAt(start: number): OpenWindow {
    let window = this.open.get(start);
    if (!window) {
      window = { pickups: new Map(), airports: new Map() };
      this.open.set(start, window);
    }
    return window;
  }

  private closeThrough(watermark: number): ClosedWindows {
    const closing = [...this.open.keys()]
      .filter((start) => start + this.windowMs - 1 <= watermark)
      .sort((a, b) => a - b);
    const closed: ClosedWindows = { hotSpots: [], airportDurations: [] };
    for (const start of closing) {
      const window = this.open.get(start)!;
      this.open.delete(start);
      this.stats.windows++;
      closed.hotSpots.push(...this.hotSpotsOf(window, start));
      closed.airportDurations.push(...this.durationsOf(window, start));
    }
    this.stats.hotSpots += closed.hotSpots.length;
    return closed;
  }

  private hotSpotsOf(window: OpenWindow, start: number): HotSpot[] {
    return [...window.pickups]
      .filter(([, count]) => count >= this.config.minTrips)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([cell, count]) => ({
        cell,
        location: cellCentre(cell),
        count,
        windowStart: start,
        windowEnd: start + this.windowMs,
        documentId: documentId(cell, start),
      }));
  }

  private durationsOf(window: OpenWindow, start: number): AirportDuration[] {
    return [...window.airports]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([airport, { trips, seconds }]) => ({
        airport,
        trips,
        averageSeconds: seconds / trips,
        windowStart: start,
        windowEnd: start + this.windowMs,
        documentId: documentId(airport, start),
      }));
  }
}

/** A count of zero for every problem. */
export function noProblems(): Record<TripProblem, number> {
  return Object.fromEntries(Object.keys(TRIP_PROBLEMS).map((p) => [p, 0])) as Record<TripProblem, number>;
}

/** The airport whose area holds the drop-off, for trips picked up in the city (as the SQL). */
export function airportOf(trip: HotspotTrip): AirportCode | undefined {
  return (Object.keys(AIRPORTS) as AirportCode[]).find((code) =>
    insideBox(AIRPORTS[code], trip.dropoffLon, trip.dropoffLat),
  );
}

/** Whole seconds, as the SQL's difference of UNIX_TIMESTAMPs. */
export function tripSeconds(trip: HotspotTrip): number {
  return Math.floor(trip.dropoffTime / 1000) - Math.floor(trip.pickupTime / 1000);
}
