/**
 * What CloudWatch's IncomingBytes and IncomingRecords are on AWS, measured locally: a
 * reader that follows every open shard of a stream from the moment it starts (and the
 * children a reshard opens, from their start) and counts the Kinesis records and their
 * bytes (data plus partition key, as Kinesis counts a record against the shard's limit).
 * For the local shard scaler only: on AWS the scaler reads CloudWatch.
 */
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { recordBytes } from "../stream/limits";
import { listAllShards, ShardFetcher } from "../stream/shard-fetcher";

const EMPTY = new Uint8Array(0);

export interface MeterReading {
  records: number;
  bytes: number;
}

export class StreamMeter {
  /** Each open shard's reader, by shard id. */
  private readonly fetchers = new Map<string, ShardFetcher>();
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
        // A read that failed (a shard gone, the emulator restarting) is not tried again:
        // start over at the end of every open shard. The counts miss what came meanwhile.
        .catch(() => this.restart())
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.pollMs);
  }

  private async restart(): Promise<void> {
    this.fetchers.clear();
    this.seen.clear();
    await this.discover("LATEST");
  }

  private async poll(): Promise<void> {
    let shardClosed = false;
    for (const [shardId, fetcher] of [...this.fetchers]) {
      const page = await fetcher.fetch();
      for (const r of page.records) {
        this.reading.records++;
        this.reading.bytes += recordBytes(r.PartitionKey ?? "", r.Data ?? EMPTY);
      }
      if (page.shardEnded) {
        this.fetchers.delete(shardId);
        shardClosed = true;
      }
    }
    // A closed shard means a reshard: its children are read from their first record.
    if (shardClosed || this.fetchers.size === 0) await this.discover("TRIM_HORIZON");
  }

  private async discover(position: "LATEST" | "TRIM_HORIZON"): Promise<void> {
    const shards = await listAllShards(this.kinesis, this.streamName);
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (this.seen.has(id) || shard.SequenceNumberRange?.EndingSequenceNumber) continue;
      const fetcher = new ShardFetcher(this.kinesis, this.streamName, id, { type: position });
      // The iterator now: LATEST means the end of the shard as of this moment, not of the first read.
      await fetcher.ensureIterator();
      this.seen.add(id);
      this.fetchers.set(id, fetcher);
    }
  }
}
