/**
 * Polling retrieval: the shard read with GetRecords (runtime/stream/shard-fetcher.ts), at
 * most 5 calls a second per shard (the Kinesis limit, shared by every consumer of the
 * shard), and slower when the shard is idle so that an idle stream costs little.
 */
import { KinesisClient, ProvisionedThroughputExceededException } from "@aws-sdk/client-kinesis";
import { STREAM_LIMITS } from "../../stream/limits";
import { ShardFetcher } from "../../stream/shard-fetcher";
import { Checkpoint } from "../leases/lease";
import { FetchedBatch, ShardReader, startingPosition } from "./shard-reader";

export interface PollingOptions {
  /** Wait after a read that found nothing and is caught up. */
  idleMs: number;
  /** Most records per GetRecords call (the API allows 10,000). */
  maxRecords: number;
}

/** One call per 200 ms keeps a shard at its 5 GetRecords calls/s. */
export const MIN_POLL_INTERVAL_MS = 1000 / STREAM_LIMITS.shardGetRecordsCallsPerSecond;

export class PollingReader implements ShardReader {
  private fetcher?: ShardFetcher;
  private lastCallAt = 0;
  private idle = false;
  private emptyReads = 0;
  private closed = false;
  private wake?: () => void;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly shardId: string,
    private readonly start: Checkpoint,
    private readonly options: PollingOptions,
  ) {}

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async read(): Promise<FetchedBatch> {
    await this.pace();
    if (this.closed) return { records: [], shardEnded: false };
    // Renews an expired iterator right after the last record delivered, never from `start` again.
    this.fetcher ??= new ShardFetcher(this.client, this.streamName, this.shardId, startingPosition(this.start), {
      maxRecords: this.options.maxRecords,
    });
    await this.fetcher.ensureIterator();
    this.lastCallAt = Date.now();
    // Before the call: the page it returns reflects the shard at this time or later.
    const fetchedAt = new Date(this.lastCallAt);
    let page;
    try {
      page = await this.fetcher.fetch();
    } catch (e) {
      if (e instanceof ProvisionedThroughputExceededException) {
        this.idle = true; // another consumer shares the shard's 5 calls/s: slow down
        return { records: [], shardEnded: false };
      }
      throw e;
    }
    const records = page.records.map((r) => ({
      partitionKey: r.PartitionKey!,
      data: r.Data ?? new Uint8Array(),
      sequenceNumber: r.SequenceNumber!,
      approximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
    }));
    // Idle only after two empty, caught-up reads in a row: one empty read in a steady flow
    // is common, and waiting POLL_IDLE_MS after it would add that to the latency.
    this.emptyReads = records.length === 0 && (page.millisBehindLatest ?? 0) === 0 ? this.emptyReads + 1 : 0;
    this.idle = this.emptyReads >= 2;
    return { records, millisBehindLatest: page.millisBehindLatest, shardEnded: page.shardEnded, fetchedAt };
  }

  /** Waits until the next call is allowed: 200 ms after the last, or the idle wait. */
  private pace(): Promise<void> {
    const gap = this.idle ? this.options.idleMs : MIN_POLL_INTERVAL_MS;
    const wait = this.lastCallAt + gap - Date.now();
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, wait);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
