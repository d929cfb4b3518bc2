/**
 * Every shard of a stream, open and closed, through ListShards' pages. ListShards takes
 * either the stream name or a NextToken, never both.
 */
import { KinesisClient, ListShardsCommand, Shard } from "@aws-sdk/client-kinesis";

export async function listAllShards(
  client: KinesisClient,
  streamName: string,
  abortSignal?: AbortSignal,
): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }), {
      abortSignal,
    });
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token);
  return shards;
}
