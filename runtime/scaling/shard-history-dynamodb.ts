/**
 * The shard scaler's history in DynamoDB: one item per stream in a table the scaler owns
 * (infra/scaling/shard-scaler.ts). Read with ConsistentRead, so a run that starts after a claim
 * sees it; claimed with a conditional PutItem on the version the run read (optimistic
 * locking: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/BestPractices_OptimisticLocking.html),
 * which DynamoDB refuses with ConditionalCheckFailedException when another run claimed first.
 */
import {
  AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  PutItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { ShardHistory, ShardHistoryStore } from "./shard-history";
import { SHARD_HISTORY_KEY } from "./shard-scaler-contract";

export function dynamoShardHistory(client: DynamoDBClient, tableName: string, streamName: string): ShardHistoryStore {
  const key: Record<string, AttributeValue> = { [SHARD_HISTORY_KEY]: { S: streamName } };
  return {
    async read(): Promise<ShardHistory> {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      return {
        updates: (Item?.updates?.L ?? []).map((t) => Number(t.N)),
        version: Number(Item?.version?.N ?? 0),
      };
    },

    async claim(seen, updates) {
      // No item yet (version 0): the first claim creates it, and only one creation succeeds.
      const condition: Pick<
        PutItemCommandInput,
        "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
      > =
        seen.version === 0
          ? {
              ConditionExpression: "attribute_not_exists(#key)",
              ExpressionAttributeNames: { "#key": SHARD_HISTORY_KEY },
            }
          : {
              ConditionExpression: "#version = :seen",
              ExpressionAttributeNames: { "#version": "version" },
              ExpressionAttributeValues: { ":seen": { N: String(seen.version) } },
            };
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...key,
              version: { N: String(seen.version + 1) },
              updates: { L: updates.map((t) => ({ N: String(t) })) },
            },
            ...condition,
          }),
        );
        return true;
      } catch (e) {
        if (e instanceof ConditionalCheckFailedException) return false;
        throw e;
      }
    },
  };
}
