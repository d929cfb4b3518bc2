/**
 * The ingest service's metrics, one Embedded Metric Format document per interval: what
 * came in, what went to Kinesis (their ratio is the aggregation win), retries, buffering
 * time, what is pending, and every reject by reason.
 */
import { LineSink, metricsDocument } from "../observability/emf";
import { IntervalReport, putPerDimension } from "../observability/interval-report";
import {
  INGEST_REJECT_METRICS,
  PIPELINE_SERVICES,
  PRODUCER_METRICS,
  REASON_DIMENSION,
  SERVICE_DIMENSION,
} from "../observability/metrics/pipeline";
import { KinesisProducer } from "./kinesis-producer";
import { TenantUsage } from "./tenant-usage";

const M = PRODUCER_METRICS;

export class IngestMetrics extends IntervalReport {
  private rejects = new Map<string, number>();

  constructor(
    private readonly producer: KinesisProducer,
    private readonly sink: LineSink,
    private readonly streamName: string,
    /** With tenants: their counts, reported in the same interval. */
    private readonly tenants?: TenantUsage,
  ) {
    super();
  }

  /** Counts a refused request record, by reason (its HTTP error code). */
  reject(reason: string, records = 1): void {
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + records);
  }

  async report(): Promise<void> {
    const s = this.producer.takeStats();
    const dims = { [SERVICE_DIMENSION]: PIPELINE_SERVICES.ingest, StreamName: this.streamName };
    await metricsDocument(this.sink, dims)
      .put(M.UserRecordsReceived, s.userRecordsAccepted)
      .put(M.UserRecordsAcknowledged, s.userRecordsAcknowledged)
      .put(M.KinesisRecordsPut, s.kinesisRecordsPut)
      .put(M.PutRecordsCalls, s.putRecordsCalls)
      .put(M.RetriesPerRecord, s.userRecordsAcknowledged ? s.retries / s.userRecordsAcknowledged : 0)
      .put(M.WrongShardResends, s.wrongShard)
      .put(M.RecordsExpired, s.expired)
      .put(M.BufferingTimeAverage, s.userRecordsAcknowledged ? s.bufferedMsSum / s.userRecordsAcknowledged : 0)
      .put(M.BufferingTimeMax, s.bufferedMsMax)
      .put(M.RecordsPending, this.producer.pending.records)
      .flush();
    const rejects = this.rejects;
    this.rejects = new Map();
    await putPerDimension(this.sink, dims, REASON_DIMENSION, rejects, INGEST_REJECT_METRICS.Rejects);
    await this.tenants?.report();
  }
}
