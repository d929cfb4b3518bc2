/**
 * The hot-spot job on a stream's records: each taxi-trip event goes through one
 * HotspotEngine, and the windows it closes are kept for GET /hotspots. No record stops the
 * job: one that is not a JSON object (another producer's data, a corrupt payload) is counted
 * as notATrip, a trip that is not usable by its problem (usable-trip.ts), as the Flink job
 * counts it.
 */
import { ConsumerRecord } from "../processing/record-processor";
import { HotspotEngine } from "./engine";
import { JobConfig } from "./job-config";
import { RecentWindows, WindowView } from "./recent-windows";
import { tripFromEvent } from "./trip-from-event";
import { TripProblem } from "./usable-trip";

/** Why a record was not counted: not a trip event at all, or a trip's problem. */
export type SkipReason = "notATrip" | TripProblem;

/** What GET /hotspots answers. */
export interface HotspotsView {
  windows: WindowView[];
  stats: {
    events: number;
    late: number;
    outsideBox: number;
    /** Records not counted as trips: the sum of skippedBy. */
    skipped: number;
    skippedBy: Record<SkipReason, number>;
  };
}

export interface LiveHotspotsOptions {
  /** The job's clock, epoch ms; default Date.now. */
  clock?: () => number;
}

export class LiveHotspots {
  private readonly engine: HotspotEngine;
  private readonly windows: RecentWindows;
  private notATrip = 0;

  constructor(config: JobConfig, retainedWindows: number, options: LiveHotspotsOptions = {}) {
    this.engine = new HotspotEngine(config, { mode: "streaming", clock: options.clock });
    this.windows = new RecentWindows(retainedWindows);
  }

  add(record: ConsumerRecord): void {
    // A record in the registry's wire format arrives decoded (runtime/processing/schema-decoder.ts).
    const trip = tripFromEvent(record.schema ? record.value : parseJson(record.data));
    if (trip === undefined) {
      this.notATrip++;
      return;
    }
    this.windows.add(this.engine.add(trip));
  }

  view(): HotspotsView {
    const { events, late, outsideBox, skipped } = this.engine.stats;
    const skippedBy = { notATrip: this.notATrip, ...skipped };
    const total = Object.values(skippedBy).reduce((sum, n) => sum + n, 0);
    return {
      windows: this.windows.newestFirst(),
      stats: { events, late, outsideBox, skipped: total, skippedBy },
    };
  }
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
}
