/**
 * The replay's own counters as EMF (Service "replay"), when METRICS_INTERVAL_MS asks for
 * them: the trips it sent and the trips the ingest API accepted, per interval. Its records
 * reach the stream through the ingest service, whose counters hold them too; these tell
 * the local page which of them are the replay's.
 */
import { emfLogger, LineSink, Unit } from "../observability/emf";
import { IntervalReport } from "../observability/interval-report";

export const REPLAY_SERVICE = "replay";

export const REPLAY_METRICS = {
  /** Trips handed to the ingest API (accepted or not). */
  tripsSent: "TripsSent",
  /** Trips the ingest API answered 200 or 202 for: stored, or buffered to be. */
  tripsAccepted: "TripsAccepted",
} as const;

export interface ReplayTotals {
  sent: number;
  accepted: number;
}

export class ReplayMetrics extends IntervalReport {
  private reported: ReplayTotals = { sent: 0, accepted: 0 };

  constructor(
    /** The replay's totals so far; each report writes what they grew by. */
    private readonly totals: () => ReplayTotals,
    private readonly sink: LineSink,
  ) {
    super();
  }

  async report(): Promise<void> {
    const now = this.totals();
    const m = emfLogger(this.sink, { Service: REPLAY_SERVICE });
    m.putMetric(REPLAY_METRICS.tripsSent, now.sent - this.reported.sent, Unit.Count);
    m.putMetric(REPLAY_METRICS.tripsAccepted, now.accepted - this.reported.accepted, Unit.Count);
    this.reported = { ...now };
    await m.flush();
  }
}
