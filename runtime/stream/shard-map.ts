/**
 * The open shards of a stream and their hash key ranges, to tell which shard a record
 * will land on. The producer aggregates per destination shard with it, so that every
 * sub-record's hash key lies inside the shard its aggregate is stored on (KCL 2.x drops
 * sub-records that do not).
 */
import { Shard } from "@aws-sdk/client-kinesis";
import { MAX_HASH_KEY } from "./hash-key";
import { compareWordArrays, compareWords, RoutingKey, routingWordsInto, wordsOf } from "./routing-key";

/** The words of the record being routed: one at a time, synchronously, so one scratch array. */
const SCRATCH = new Uint32Array(4);

export interface ShardRange {
  shardId: string;
  start: bigint;
  end: bigint;
}

/**
 * `n` shards splitting the hash key space evenly, as CreateStream makes them, named as
 * Kinesis names shards (shardId-000000000000, ...): the shape of a new stream, for the
 * benchmarks' and the tests' stand-ins.
 */
export function evenShardRanges(n: number, prefix = "shardId-"): ShardRange[] {
  const width = (MAX_HASH_KEY + 1n) / BigInt(n);
  return Array.from({ length: n }, (_, i) => ({
    shardId: `${prefix}${String(i).padStart(12, "0")}`,
    start: width * BigInt(i),
    end: i === n - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n,
  }));
}

export class ShardMap {
  /** Open shards sorted by the start of their range. */
  readonly shards: readonly ShardRange[];
  /** The same ranges as 32-bit words, for routing by a RoutingKey without BigInt arithmetic. */
  private readonly starts: number[][];
  private readonly ends: number[][];

  constructor(shards: ShardRange[]) {
    this.shards = [...shards].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.starts = this.shards.map((s) => wordsOf(s.start));
    this.ends = this.shards.map((s) => wordsOf(s.end));
  }

  /** The open shards from a ListShards answer (a closed shard has an ending sequence number). */
  static fromListShards(shards: Shard[]): ShardMap {
    return new ShardMap(
      shards
        .filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined)
        .map((s) => ({
          shardId: s.ShardId!,
          start: BigInt(s.HashKeyRange!.StartingHashKey!),
          end: BigInt(s.HashKeyRange!.EndingHashKey!),
        })),
    );
  }

  /** The shard whose range holds `hashKey`, or undefined while the map has a gap (resharding). */
  shardFor(hashKey: bigint | RoutingKey): ShardRange | undefined {
    if (typeof hashKey !== "bigint") return this.shardForKey(hashKey);
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.shards[mid];
      if (hashKey < s.start) hi = mid - 1;
      else if (hashKey > s.end) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  /**
   * The shard `record` goes to, by its partition key's MD5 (or explicit hash key): the
   * producer's per-record routing, which allocates nothing for a short ASCII key.
   */
  shardForRecord(record: { partitionKey: string; explicitHashKey?: string }): ShardRange | undefined {
    routingWordsInto(record, SCRATCH);
    return this.shardForWords(SCRATCH);
  }

  /** The shard of a record whose routing key's words (routingWordsInto) are `words`. */
  shardForWords(words: ArrayLike<number>): ShardRange | undefined {
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareWordArrays(words, this.starts[mid]) < 0) hi = mid - 1;
      else if (compareWordArrays(words, this.ends[mid]) > 0) lo = mid + 1;
      else return this.shards[mid];
    }
    return undefined;
  }

  private shardForKey(key: RoutingKey): ShardRange | undefined {
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareWords(key, this.starts[mid]) < 0) hi = mid - 1;
      else if (compareWords(key, this.ends[mid]) > 0) lo = mid + 1;
      else return this.shards[mid];
    }
    return undefined;
  }

  /** True when `shardId` is open in this map and its range holds `hashKey`. */
  holds(shardId: string, hashKey: bigint | RoutingKey): boolean {
    const s = this.shardFor(hashKey);
    return s !== undefined && s.shardId === shardId;
  }
}
