/**
 * The hot-spot job on a stream's records: each taxi-trip event goes through one
 * HotspotEngine, and the windows it closes are kept for GET /hotspots. Records that are not
 * trip events (another producer's data on the same stream) are counted and skipped: they
 * must not stop the job.
 */
import { ConsumerRecord } from "../consumer/record-processor";
import { HotspotEngine } from "./engine";
import { JobConfig } from "./job-config";
import { RecentWindows, WindowView } from "./recent-windows";
import { tripFromEvent } from "./trip-from-event";

/** What GET /hotspots answers. */
export interface HotspotsView {
  windows: WindowView[];
  stats: { events: number; late: number; outsideBox: number; skipped: number };
}

export class LiveHotspots {
  private readonly engine: HotspotEngine;
  private readonly windows: RecentWindows;
  private skipped = 0;

  constructor(config: JobConfig, retainedWindows: number) {
    this.engine = new HotspotEngine(config);
    this.windows = new RecentWindows(retainedWindows);
  }

  add(record: ConsumerRecord): void {
    // A record in the registry's wire format arrives decoded (runtime/consumer/schema-decoder.ts).
    const trip = tripFromEvent(record.schema ? record.value : parseJson(record.data));
    if (trip === undefined) {
      this.skipped++;
      return;
    }
    this.windows.add(this.engine.add(trip));
  }

  view(): HotspotsView {
    const { events, late, outsideBox } = this.engine.stats;
    return { windows: this.windows.newestFirst(), stats: { events, late, outsideBox, skipped: this.skipped } };
  }
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
}
