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
import { routingKeyOf } from "../stream/hash-key";
import { ConsumerRecord } from "./record-processor";

export interface ShardHashRange {
  start: bigint;
  end: bigint;
}

/**
 * The user records of one Kinesis record that its shard keeps: all of them, or none when it is
 * an aggregate with a record outside the range. A record that was not aggregated went where
 * Kinesis routed it, and a corrupt aggregate (no records of its own to route) is kept whole.
 */
export function keptByShard(users: ConsumerRecord[], range: ShardHashRange | undefined): ConsumerRecord[] {
  if (range === undefined) return users;
  for (const u of users) {
    if (u.subSequenceNumber === undefined || u.corruptAggregate !== undefined) continue;
    const key = routingKeyOf(u);
    if (key < range.start || key > range.end) return [];
  }
  return users;
}
