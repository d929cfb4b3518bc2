/**
 * A consumer application's metrics and logs (the processing service's, the lake writer's):
 * the coordinator's and shard consumers' events become counters, written as one Embedded
 * Metric Format document per interval, and MillisBehindLatest as the maximum per shard. The
 * Service dimension is the application's, so the two never add up into one series.
 */
import { Logger } from "pino";
import { LineSink, metricsDocument } from "../observability/emf";
import { IntervalReport, putPerDimension } from "../observability/interval-report";
import {
  ConsumerApplication,
  PROCESSING_LAG_METRICS,
  PROCESSING_METRICS,
  SERVICE_DIMENSION,
  SHARD_DIMENSION,
} from "../observability/metrics/pipeline";
import { CoordinatorEvents } from "./coordinator";
import { DeadLetters } from "./dead-letters";

const M = PROCESSING_METRICS;

export class ConsumerMetrics extends IntervalReport implements CoordinatorEvents {
  private recordsProcessed = 0;
  private processingMs = 0;
  private batches = 0;
  private takes = 0;
  private steals = 0;
  private skippedRecords = 0;
  private checkpointFailures = 0;
  private held = 0;
  private behindByShard = new Map<string, number>();

  constructor(
    private readonly sink: LineSink,
    private readonly application: ConsumerApplication,
    private readonly streamName: string,
    private readonly logger: Logger,
    private readonly deadLetters?: DeadLetters,
  ) {
    super();
  }

  log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>): void {
    this.logger[level](fields, msg);
  }

  processed(_shardId: string, records: number, millis: number): void {
    this.recordsProcessed += records;
    this.processingMs += millis;
    this.batches++;
  }

  behind(shardId: string, millisBehindLatest: number): void {
    this.behindByShard.set(shardId, Math.max(this.behindByShard.get(shardId) ?? 0, millisBehindLatest));
  }

  skipped(_shardId: string, records: number): void {
    this.skippedRecords += records;
  }

  checkpointFailed(): void {
    this.checkpointFailures++;
  }

  leasesHeld(count: number): void {
    this.held = count;
  }

  leaseTaken(_shardId: string, stolen: boolean): void {
    if (stolen) this.steals++;
    else this.takes++;
  }

  async report(): Promise<void> {
    const dims = { [SERVICE_DIMENSION]: this.application, StreamName: this.streamName };
    await metricsDocument(this.sink, dims)
      .put(M.RecordsProcessed, this.recordsProcessed)
      .put(M.ProcessingTimeAverage, this.batches ? this.processingMs / this.batches : 0)
      .put(M.LeasesHeld, this.held)
      .put(M.LeaseTakes, this.takes)
      .put(M.LeaseSteals, this.steals)
      .put(M.RecordsSkipped, this.skippedRecords)
      .put(M.CheckpointFailures, this.checkpointFailures)
      .put(M.DeadLetters, this.deadLetters?.take() ?? 0)
      .flush();
    const behind = this.behindByShard;
    this.behindByShard = new Map();
    await putPerDimension(this.sink, dims, SHARD_DIMENSION, behind, PROCESSING_LAG_METRICS.MillisBehindLatest);
    this.recordsProcessed = this.processingMs = this.batches = this.takes = this.steals = 0;
    this.skippedRecords = this.checkpointFailures = 0;
  }
}
