/**
 * The replay's own counters as EMF (Service "replay"), when METRICS_INTERVAL_MS asks for
 * them: the trips it sent and the trips the ingest API accepted, per interval. Its records
 * reach the stream through the ingest service, whose counters hold them too; these tell
 * the local page which of them are the replay's.
 */
import { LineSink, metricsDocument } from "../observability/emf";
import { IntervalReport } from "../observability/interval-report";
import { PIPELINE_SERVICES, REPLAY_METRICS, SERVICE_DIMENSION } from "../observability/metrics/pipeline";

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
    const doc = metricsDocument(this.sink, { [SERVICE_DIMENSION]: PIPELINE_SERVICES.replay })
      // Trips handed to the ingest API (accepted or not), and those it answered 200 or 202 for.
      .put(REPLAY_METRICS.TripsSent, now.sent - this.reported.sent)
      .put(REPLAY_METRICS.TripsAccepted, now.accepted - this.reported.accepted);
    this.reported = { ...now };
    await doc.flush();
  }
}
