/**
 * The processing service's metrics and logs: the coordinator's and shard consumers' events
 * become counters, written as one Embedded Metric Format document per interval, and
 * MillisBehindLatest as the maximum per shard.
 */
import { Logger } from "pino";
import { emfLogger, LineSink, Unit } from "../observability/emf";
import { IntervalReport, putPerDimension } from "../observability/interval-report";
import { CoordinatorEvents } from "./coordinator";
import { DeadLetters } from "./dead-letters";
import { LAG_METRIC as BEHIND_METRIC, PROCESSING_SERVICE as SERVICE } from "./service-contract";

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
    const dims = { Service: SERVICE, StreamName: this.streamName };
    const m = emfLogger(this.sink, dims);
    m.putMetric("RecordsProcessed", this.recordsProcessed, Unit.Count);
    m.putMetric("ProcessingTimeAverage", this.batches ? this.processingMs / this.batches : 0, Unit.Milliseconds);
    m.putMetric("LeasesHeld", this.held, Unit.Count);
    m.putMetric("LeaseTakes", this.takes, Unit.Count);
    m.putMetric("LeaseSteals", this.steals, Unit.Count);
    m.putMetric("RecordsSkipped", this.skippedRecords, Unit.Count);
    m.putMetric("CheckpointFailures", this.checkpointFailures, Unit.Count);
    m.putMetric("DeadLetters", this.deadLetters?.take() ?? 0, Unit.Count);
    await m.flush();
    const behind = this.behindByShard;
    this.behindByShard = new Map();
    await putPerDimension(this.sink, dims, "ShardId", behind, BEHIND_METRIC, Unit.Milliseconds);
    this.recordsProcessed = this.processingMs = this.batches = this.takes = this.steals = 0;
    this.skippedRecords = this.checkpointFailures = 0;
  }
}
