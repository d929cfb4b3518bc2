/**
 * Everything a stream holds, read back as a consumer would: every shard ListShards knows
 * (closed parents of a reshard too) from TRIM_HORIZON to its end, each Kinesis record
 * de-aggregated into the user records it carries, each with where it is stored.
 */
import { KinesisClient } from "@aws-sdk/client-kinesis";

import { fetchToTip, listAllShards, ShardFetcher } from "../../runtime/stream/shard-fetcher";
import { deaggregate, isAggregate } from "../../runtime/stream/aggregation";
import { routingKeyOf } from "../../runtime/stream/hash-key";
import { ShardRange } from "../../runtime/stream/shard-map";

export interface StoredShard extends ShardRange {
  parentShardId?: string;
  /** A parent of a reshard: it takes no more writes. */
  closed: boolean;
}

/** A user record as stored: `subSequenceNumber` is its index when its Kinesis record is an aggregate. */
export interface StoredRecord {
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  partitionKey: string;
  data: Buffer;
  /** Where Kinesis routes its key: the shard holding it is where it belongs. */
  hashKey: bigint;
}

export interface StreamContents {
  shards: StoredShard[];
  records: StoredRecord[];
  /** Kinesis records read, before de-aggregation. */
  kinesisRecords: number;
}

/** A location as the ingest API acknowledges it, as one comparable string. */
export function locationOf(at: { shardId: string; sequenceNumber: string; subSequenceNumber?: number }): string {
  return `${at.shardId}/${at.sequenceNumber}/${at.subSequenceNumber ?? "plain"}`;
}

export function holds(shard: ShardRange, hashKey: bigint): boolean {
  return shard.start <= hashKey && hashKey <= shard.end;
}

/** Pages per shard at most: a bound, so a reader that never sees the end fails instead of looping. */
const MAX_PAGES_PER_SHARD = 1000;

export async function readStream(
  client: KinesisClient,
  streamName: string,
  options: { timeoutMs?: number } = {},
): Promise<StreamContents> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const shards = await storedShards(client, streamName, signal);
  const records: StoredRecord[] = [];
  let kinesisRecords = 0;
  for (const shard of shards) {
    const fetcher = new ShardFetcher(client, streamName, shard.shardId, { type: "TRIM_HORIZON" }, { signal });
    for (const record of await fetchToTip(fetcher, MAX_PAGES_PER_SHARD)) {
      kinesisRecords++;
      const data = record.Data!;
      const aggregated = isAggregate(data);
      deaggregate({ partitionKey: record.PartitionKey!, data }).forEach((user, index) =>
        records.push({
          shardId: shard.shardId,
          sequenceNumber: record.SequenceNumber!,
          ...(aggregated ? { subSequenceNumber: index } : {}),
          partitionKey: user.partitionKey,
          data: user.data,
          hashKey: routingKeyOf(user),
        }),
      );
    }
  }
  return { shards, records, kinesisRecords };
}

async function storedShards(client: KinesisClient, streamName: string, signal: AbortSignal): Promise<StoredShard[]> {
  const shards = await listAllShards(client, streamName, signal);
  return shards.map((s) => ({
    shardId: s.ShardId!,
    start: BigInt(s.HashKeyRange!.StartingHashKey!),
    end: BigInt(s.HashKeyRange!.EndingHashKey!),
    ...(s.ParentShardId ? { parentShardId: s.ParentShardId } : {}),
    closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
  }));
}
