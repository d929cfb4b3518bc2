/**
 * Which user records of an aggregate belong to the shard it was read from. A producer whose
 * shard map is stale (ingest just after a reshard, the KPL likewise) can put an aggregate on a
 * shard that no longer owns some of its records' hash keys. Ingest then acknowledges the
 * records the shard owns and puts the others again, on their own shards
 * (runtime/ingest/kinesis-producer.ts), so the copies left behind are read twice: once here,
 * once where they belong. The KCL drops records outside the shard's hash key range when it
 * de-aggregates (AggregatorUtil.deaggregate in awslabs/amazon-kinesis-client); so do we, one
 * record at a time, so the ones the shard owns are kept.
 *
 * A shard's range never changes (ListShards' HashKeyRange), so every reader of the shard drops
 * the same records: the lake's segments stay the same on every read (EXACTLY-ONCE.md).
 */
import { routingKeyOf } from "../stream/hash-key";
import { ConsumerRecord } from "./record-processor";

export interface ShardHashRange {
  start: bigint;
  end: bigint;
}

/**
 * False only for a user record of an aggregate whose hash key is outside the shard's range.
 * A record that was not aggregated went where Kinesis routed it, and a corrupt aggregate
 * (no records of its own to route) is kept whole.
 */
export function belongsToShard(record: ConsumerRecord, range: ShardHashRange | undefined): boolean {
  if (range === undefined || record.subSequenceNumber === undefined || record.corruptAggregate !== undefined) {
    return true;
  }
  const key = routingKeyOf(record);
  return key >= range.start && key <= range.end;
}
