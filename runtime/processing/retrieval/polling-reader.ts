/**
 * Polling retrieval: GetShardIterator, then GetRecords in a loop, at most 5 calls a second
 * per shard (the Kinesis limit, shared by every consumer of the shard), and slower when the
 * shard is idle so that an idle stream costs little.
 */
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-kinesis";
import { STREAM_LIMITS } from "../../stream/limits";
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
  private iterator?: string;
  private lastDelivered?: string;
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
    this.iterator ??= await this.newIterator();
    this.lastCallAt = Date.now();
    let out;
    try {
      out = await this.client.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: this.options.maxRecords }),
      );
    } catch (e) {
      if (e instanceof ExpiredIteratorException) {
        // Iterators live 5 minutes: start again right after what was delivered.
        this.iterator = undefined;
        return { records: [], shardEnded: false };
      }
      if (e instanceof ProvisionedThroughputExceededException) {
        this.idle = true; // another consumer shares the shard's 5 calls/s: slow down
        return { records: [], shardEnded: false };
      }
      throw e;
    }
    const records = (out.Records ?? []).map((r) => ({
      partitionKey: r.PartitionKey!,
      data: r.Data ?? new Uint8Array(),
      sequenceNumber: r.SequenceNumber!,
      approximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
    }));
    if (records.length > 0) this.lastDelivered = records[records.length - 1].sequenceNumber;
    this.iterator = out.NextShardIterator;
    // Idle only after two empty, caught-up reads in a row: one empty read in a steady flow
    // is common, and waiting POLL_IDLE_MS after it would add that to the latency.
    this.emptyReads = records.length === 0 && (out.MillisBehindLatest ?? 0) === 0 ? this.emptyReads + 1 : 0;
    this.idle = this.emptyReads >= 2;
    return { records, millisBehindLatest: out.MillisBehindLatest, shardEnded: out.NextShardIterator === undefined };
  }

  private async newIterator(): Promise<string> {
    const position = startingPosition(this.start, this.lastDelivered);
    const out = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: this.streamName,
        ShardId: this.shardId,
        ShardIteratorType: position.type,
        StartingSequenceNumber: position.sequenceNumber,
      }),
    );
    return out.ShardIterator!;
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
