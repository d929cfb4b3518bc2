/**
 * The ingest service's metrics, one Embedded Metric Format document per interval: what
 * came in, what went to Kinesis (their ratio is the aggregation win), retries, buffering
 * time, what is pending, and every reject by reason.
 */
import { emfLogger, LineSink, Unit } from "../observability/emf";
import { IntervalReport, putPerDimension } from "../observability/interval-report";
import { KinesisProducer } from "./kinesis-producer";

export class IngestMetrics extends IntervalReport {
  private rejects = new Map<string, number>();

  constructor(
    private readonly producer: KinesisProducer,
    private readonly sink: LineSink,
    private readonly streamName: string,
  ) {
    super();
  }

  /** Counts a refused request record, by reason (its HTTP error code). */
  reject(reason: string, records = 1): void {
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + records);
  }

  async report(): Promise<void> {
    const s = this.producer.takeStats();
    const dims = { Service: "ingest", StreamName: this.streamName };
    const m = emfLogger(this.sink, dims);
    m.putMetric("UserRecordsReceived", s.userRecordsAccepted, Unit.Count);
    m.putMetric("UserRecordsAcknowledged", s.userRecordsAcknowledged, Unit.Count);
    m.putMetric("KinesisRecordsPut", s.kinesisRecordsPut, Unit.Count);
    m.putMetric("PutRecordsCalls", s.putRecordsCalls, Unit.Count);
    m.putMetric("RetriesPerRecord", s.userRecordsAcknowledged ? s.retries / s.userRecordsAcknowledged : 0, Unit.None);
    m.putMetric("WrongShardResends", s.wrongShard, Unit.Count);
    m.putMetric("RecordsExpired", s.expired, Unit.Count);
    m.putMetric(
      "BufferingTimeAverage",
      s.userRecordsAcknowledged ? s.bufferedMsSum / s.userRecordsAcknowledged : 0,
      Unit.Milliseconds,
    );
    m.putMetric("BufferingTimeMax", s.bufferedMsMax, Unit.Milliseconds);
    m.putMetric("RecordsPending", this.producer.pending.records, Unit.Count);
    await m.flush();
    const rejects = this.rejects;
    this.rejects = new Map();
    await putPerDimension(this.sink, dims, "Reason", rejects, "Rejects", Unit.Count);
  }
}
