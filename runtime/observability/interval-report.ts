/**
 * What the services' metrics share: a report every interval (the timer never keeps the
 * process alive) and a last one at shutdown, so counts since the previous report are not
 * lost; and one EMF document per value of a dimension (per shard, per reject reason).
 */
import { LineSink, metricsDocument } from "./emf";
import { EmfMetric } from "./metrics/metric";

export abstract class IntervalReport {
  private timer?: NodeJS.Timeout;

  /** Writes what was counted since the last report, and starts counting again. */
  abstract report(): Promise<void>;

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.report(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.report();
  }
}

/** One document per entry of `values`, its key as the `dimension` beside `dimensions`. */
export async function putPerDimension(
  sink: LineSink,
  dimensions: Record<string, string>,
  dimension: string,
  values: Map<string, number>,
  metric: EmfMetric,
): Promise<void> {
  for (const [key, value] of values) {
    await metricsDocument(sink, { ...dimensions, [dimension]: key })
      .put(metric, value)
      .flush();
  }
}
