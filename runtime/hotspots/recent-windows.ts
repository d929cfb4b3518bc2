/**
 * The latest closed windows of the hot-spot job, as GET /hotspots shows them: the engine
 * emits each window once, when it closes, and the stream never ends, so only the newest
 * `limit` windows are kept (memory stays bounded however long the replay loops). A window
 * the engine closed without a hot spot or an airport trip emits nothing and so is not here.
 */
import { AirportDuration, ClosedWindows, HotSpot } from "./engine";

export interface WindowView {
  windowStart: string;
  windowEnd: string;
  hotSpots: Pick<HotSpot, "cell" | "location" | "count">[];
  airports: Pick<AirportDuration, "airport" | "trips" | "averageSeconds">[];
}

export class RecentWindows {
  private readonly byStart = new Map<number, WindowView>();

  constructor(private readonly limit: number) {}

  add(closed: ClosedWindows): void {
    for (const { cell, location, count, ...when } of closed.hotSpots) {
      this.windowOf(when).hotSpots.push({ cell, location, count });
    }
    for (const { airport, trips, averageSeconds, ...when } of closed.airportDurations) {
      this.windowOf(when).airports.push({ airport, trips, averageSeconds });
    }
    const oldestFirst = [...this.byStart.keys()].sort((a, b) => a - b);
    for (const start of oldestFirst.slice(0, Math.max(0, oldestFirst.length - this.limit))) this.byStart.delete(start);
  }

  newestFirst(): WindowView[] {
    return [...this.byStart].sort(([a], [b]) => b - a).map(([, view]) => view);
  }

  private windowOf({ windowStart, windowEnd }: { windowStart: number; windowEnd: number }): WindowView {
    let view = this.byStart.get(windowStart);
    if (!view) {
      view = {
        windowStart: new Date(windowStart).toISOString(),
        windowEnd: new Date(windowEnd).toISOString(),
        hotSpots: [],
        airports: [],
      };
      this.byStart.set(windowStart, view);
    }
    return view;
  }
}
