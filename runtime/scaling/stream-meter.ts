/**
 * What CloudWatch's IncomingBytes and IncomingRecords are on AWS, measured locally: a
 * reader that follows every open shard of a stream from the moment it starts (and the
 * children a reshard opens, from their start) and counts the Kinesis records and their
 * bytes (data plus partition key, as Kinesis counts a record against the shard's limit).
 * For the local shard scaler only: on AWS the scaler reads CloudWatch.
 */
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { listAllShards } from "../stream/list-shards";
import { recordBytes } from "../stream/limits";

const EMPTY = new Uint8Array(0);

export interface MeterReading {
  records: number;
  bytes: number;
}

export class StreamMeter {
  /** Open shard -> its next iterator. */
  private readonly iterators = new Map<string, string>();
  /** Shards already followed (open or finished): a reshard's children are new ones. */
  private readonly seen = new Set<string>();
  private reading: MeterReading = { records: 0, bytes: 0 };
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    private readonly pollMs = 1000,
  ) {}

  /** Starts at the end of every open shard: earlier records are not this meter's to count. */
  async start(): Promise<void> {
    await this.discover("LATEST");
    this.schedule();
  }

  /** The counts since the last take. */
  take(): MeterReading {
    const reading = this.reading;
    this.reading = { records: 0, bytes: 0 };
    return reading;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll()
        // An iterator that failed (expired after a pause, a shard gone) is not tried again:
        // start over at the end of every open shard. The counts miss what came meanwhile.
        .catch(() => this.restart())
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.pollMs);
  }

  private async restart(): Promise<void> {
    this.iterators.clear();
    this.seen.clear();
    await this.discover("LATEST");
  }

  private async poll(): Promise<void> {
    let shardClosed = false;
    for (const [shardId, iterator] of [...this.iterators]) {
      const out = await this.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of out.Records ?? []) {
        this.reading.records++;
        this.reading.bytes += recordBytes(r.PartitionKey ?? "", r.Data ?? EMPTY);
      }
      if (out.NextShardIterator) this.iterators.set(shardId, out.NextShardIterator);
      else {
        this.iterators.delete(shardId);
        shardClosed = true;
      }
    }
    // A closed shard means a reshard: its children are read from their first record.
    if (shardClosed || this.iterators.size === 0) await this.discover("TRIM_HORIZON");
  }

  private async discover(position: "LATEST" | "TRIM_HORIZON"): Promise<void> {
    const shards = await listAllShards(this.kinesis, this.streamName);
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (this.seen.has(id) || shard.SequenceNumberRange?.EndingSequenceNumber) continue;
      const { ShardIterator } = await this.kinesis.send(
        new GetShardIteratorCommand({ StreamName: this.streamName, ShardId: id, ShardIteratorType: position }),
      );
      this.seen.add(id);
      if (ShardIterator) this.iterators.set(id, ShardIterator);
    }
  }
}
