/**
 * Enhanced fan-out retrieval: SubscribeToShard on the registered consumer pushes events
 * over one long HTTP/2 connection (HTTP/1.1 against the local emulator). AWS ends every
 * subscription after 5 minutes, so the reader subscribes again from the last event's
 * continuation sequence number; a subscription may start at most once a second per shard.
 */
import { KinesisClient, SubscribeToShardCommand, SubscribeToShardEvent } from "@aws-sdk/client-kinesis";
import { Checkpoint } from "../leases/lease";
import { FetchedBatch, ShardReader, startingPosition, StreamRecord } from "./shard-reader";

/** SubscribeToShard: 1 call per second per shard per consumer. */
export const MIN_SUBSCRIBE_INTERVAL_MS = 1000;

export class FanoutReader implements ShardReader {
  private events?: AsyncIterator<{ SubscribeToShardEvent?: SubscribeToShardEvent }>;
  private abort?: AbortController;
  /** Sequence number after which the next subscription starts. */
  private continuation?: string;
  private lastSubscribeAt = 0;
  /** When the current subscription was asked for, until its first event is handed on. */
  private subscribedAt?: Date;
  private closed = false;

  constructor(
    private readonly client: KinesisClient,
    private readonly consumerArn: string,
    private readonly shardId: string,
    private readonly start: Checkpoint,
  ) {}

  close(): void {
    this.closed = true;
    this.abort?.abort();
  }

  async read(): Promise<FetchedBatch> {
    while (!this.closed) {
      this.events ??= await this.subscribe();
      let next: IteratorResult<{ SubscribeToShardEvent?: SubscribeToShardEvent }>;
      try {
        next = await this.events.next();
      } catch (e) {
        if (this.closed) break;
        // The subscription broke (5-minute end, network, a resharded shard): subscribe again.
        this.events = undefined;
        if ((e as Error).name === "ResourceNotFoundException") throw e;
        continue;
      }
      if (next.done) {
        this.events = undefined;
        continue;
      }
      const event = next.value.SubscribeToShardEvent;
      if (!event) continue;
      const records: StreamRecord[] = (event.Records ?? []).map((r) => ({
        partitionKey: r.PartitionKey!,
        data: r.Data ?? new Uint8Array(),
        sequenceNumber: r.SequenceNumber!,
        approximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
      }));
      if (event.ContinuationSequenceNumber) this.continuation = event.ContinuationSequenceNumber;
      // No continuation means the shard is closed and fully read (its children are listed).
      const shardEnded = !event.ContinuationSequenceNumber;
      if (shardEnded) this.close();
      // Only a subscription's first event is known to be no older than a time of ours (the
      // SubscribeToShard call: Kinesis makes it after that). Later events may have waited in
      // the connection while the consumer was busy (for minutes, behind a batch retried for
      // ever), so they vouch for no time; an idle shard gets a fresh subscription every 5 minutes.
      const fetchedAt = this.subscribedAt;
      this.subscribedAt = undefined;
      return { records, millisBehindLatest: event.MillisBehindLatest, shardEnded, fetchedAt };
    }
    return { records: [], shardEnded: false };
  }

  private async subscribe(): Promise<AsyncIterator<{ SubscribeToShardEvent?: SubscribeToShardEvent }>> {
    const wait = this.lastSubscribeAt + MIN_SUBSCRIBE_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.lastSubscribeAt = Date.now();
    this.subscribedAt = new Date(this.lastSubscribeAt);
    const position = startingPosition(this.start, this.continuation);
    this.abort = new AbortController();
    const out = await this.client.send(
      new SubscribeToShardCommand({
        ConsumerARN: this.consumerArn,
        ShardId: this.shardId,
        StartingPosition: { Type: position.type, SequenceNumber: position.sequenceNumber },
      }),
      { abortSignal: this.abort.signal },
    );
    if (!out.EventStream) throw new Error(`SubscribeToShard on ${this.shardId} returned no event stream`);
    return out.EventStream[Symbol.asyncIterator]();
  }
}
