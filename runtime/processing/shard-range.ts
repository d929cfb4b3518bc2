/**
 * Which records of a Kinesis record a shard's reader keeps. A producer whose shard map is
 * stale (ingest just after a reshard, the KPL likewise) can put an aggregate on a shard that
 * does not own all of its records' hash keys. The KCL discards such an aggregate whole, every
 * record of it (AggregatorUtil.deaggregate in awslabs/amazon-kinesis-client), and ingest,
 * seeing its aggregate land there, sends every record of it again under a fresh map
 * (runtime/ingest/kinesis-producer.ts, settleWrongShard): so keeping any of it would read those
 * records twice. We discard it whole too.
 *
 * A shard's range never changes (ListShards' HashKeyRange), so every reader of the shard keeps
 * the same records: the lake's segments stay the same on every read (EXACTLY-ONCE.md).
 */
import { compareWordArrays, routingWordsInto, wordsOf } from "../stream/routing-key";
import { ConsumerRecord } from "./record-processor";

/** A shard's hash key range, as ListShards gives it, with its ends as routing words. */
export interface ShardHashRange {
  start: bigint;
  end: bigint;
}

/** The range's ends as the words routing compares (routing-key.ts), made once per shard. */
export interface ShardWordRange {
  startWords: readonly number[];
  endWords: readonly number[];
}

export function wordRange(range: ShardHashRange): ShardWordRange {
  return { startWords: wordsOf(range.start), endWords: wordsOf(range.end) };
}

/** One record's routing words at a time: the check allocates nothing for short ASCII keys. */
const SCRATCH = new Uint32Array(4);

/**
 * The user records of one Kinesis record that its shard keeps: all of them, or none when it is
 * an aggregate with a record outside the range. A record that was not aggregated went where
 * Kinesis routed it, and a corrupt aggregate (no records of its own to route) is kept whole.
 */
export function keptByShard(users: ConsumerRecord[], range: ShardWordRange | undefined): ConsumerRecord[] {
  if (range === undefined) return users;
  for (const u of users) {
    if (u.subSequenceNumber === undefined || u.corruptAggregate !== undefined) continue;
    routingWordsInto(u, SCRATCH);
    if (compareWordArrays(SCRATCH, range.startWords) < 0 || compareWordArrays(SCRATCH, range.endWords) > 0) return [];
  }
  return users;
}
