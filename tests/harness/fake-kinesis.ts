/**
 * An in-memory stand-in for Kinesis behind the producer's KinesisPort: it routes each
 * entry by its hash key over its own (reshardable) shards, stores it with a sequence
 * number, and fails, throttles or hangs on demand. The producer's map of the shards can
 * be made stale on purpose, as after a real reshard.
 */
import { UserRecord, deaggregate } from "../../runtime/stream/aggregation";
import { routingKeyOf } from "../../runtime/stream/hash-key";
import { evenShardRanges, ShardMap } from "../../runtime/stream/shard-map";
import { KinesisPort, PutEntry, PutResult } from "../../runtime/ingest/kinesis-port";

export interface Stored {
  shardId: string;
  sequenceNumber: string;
  entry: PutEntry;
}

export class FakeKinesis implements KinesisPort {
  /** Where Kinesis really routes. */
  shards: ShardMap;
  /** What ListShards answers; lags behind `shards` when `stale` is set. */
  listed: ShardMap;
  readonly stored: Stored[] = [];
  calls: PutEntry[][] = [];
  /** Decides per entry whether to fail it with this error code. */
  failEntry: (entry: PutEntry, call: number) => string | undefined = () => undefined;
  /** Decides per call whether the whole call fails. */
  failCall: (call: number) => Error | undefined = () => undefined;
  /** When set, calls never answer (a stream that has stopped taking writes). */
  hang = false;
  /** Milliseconds each call takes. */
  latencyMs = 0;
  private sequence = 0;

  constructor(shardCount: number) {
    this.shards = new ShardMap(evenShardRanges(shardCount));
    this.listed = this.shards;
  }

  /** Reshards now; ListShards keeps answering the old map until `publish()`. */
  reshard(shardCount: number, prefix: string): void {
    this.shards = new ShardMap(evenShardRanges(shardCount, prefix));
  }

  publish(): void {
    this.listed = this.shards;
  }

  async shardMap(): Promise<ShardMap> {
    return this.listed;
  }

  async putRecords(entries: PutEntry[]): Promise<PutResult[]> {
    const call = this.calls.push(entries) - 1;
    if (this.hang) return new Promise(() => undefined);
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const failure = this.failCall(call);
    if (failure) throw failure;
    return entries.map((entry) => {
      const code = this.failEntry(entry, call);
      if (code) return { ok: false, errorCode: code, errorMessage: "injected" };
      const shard = this.shards.shardFor(routingKeyOf(entry))!;
      const sequenceNumber = String(++this.sequence).padStart(20, "0");
      this.stored.push({ shardId: shard.shardId, sequenceNumber, entry });
      return { ok: true, shardId: shard.shardId, sequenceNumber };
    });
  }

  /** Every user record stored, with the shard its Kinesis record is on. */
  userRecords(): (UserRecord & { shardId: string })[] {
    return this.stored.flatMap((s) =>
      deaggregate({ ...s.entry, data: Buffer.from(s.entry.data) }).map((r) => ({ ...r, shardId: s.shardId })),
    );
  }
}
