/**
 * The producer's only contact with Kinesis: PutRecords and ListShards, in the shapes the
 * producer thinks in. Tests swap it for fakes that throttle or fail on purpose.
 */
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { listAllShards } from "../stream/shard-fetcher";
import { ShardMap } from "../stream/shard-map";

export interface PutEntry {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

export type PutResult =
  { ok: true; shardId: string; sequenceNumber: string } | { ok: false; errorCode: string; errorMessage: string };

export interface KinesisPort {
  /** One PutRecords call; resolves with a result per entry, rejects when the call fails. */
  putRecords(entries: PutEntry[]): Promise<PutResult[]>;
  /** The stream's open shards now. */
  shardMap(): Promise<ShardMap>;
}

export function kinesisPort(client: KinesisClient, streamName: string): KinesisPort {
  return {
    async putRecords(entries) {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: entries.map((e) => ({
            PartitionKey: e.partitionKey,
            ExplicitHashKey: e.explicitHashKey,
            Data: e.data,
          })),
        }),
      );
      return (out.Records ?? []).map((r) =>
        r.ErrorCode
          ? { ok: false as const, errorCode: r.ErrorCode, errorMessage: r.ErrorMessage ?? "" }
          : { ok: true as const, shardId: r.ShardId!, sequenceNumber: r.SequenceNumber! },
      );
    },
    async shardMap() {
      return ShardMap.fromListShards(await listAllShards(client, streamName));
    },
  };
}
