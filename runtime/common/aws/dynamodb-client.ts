import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

import { awsClient, ClientEndpoint, endpointConfig } from "./aws-client";

/** DynamoDB's SDK client already speaks HTTP/1.1, which dynalite serves, so no handler choice here. */
export function createDynamoDbClient(where: ClientEndpoint): DynamoDBClient {
  return awsClient(DynamoDBClient, endpointConfig(where));
}
