import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

import { awsClient } from "./aws-client";
import { LOCAL_CREDENTIALS } from "./local-credentials";

export interface DynamoDbClientOptions {
  region: string;
  /** Set for the local emulator (dynalite); unset means the real regional AWS endpoint. */
  endpoint?: string;
  /** SDK attempts per call (default: the SDK's own, 3). Readiness probes use 1 to fail fast. */
  maxAttempts?: number;
}

/** DynamoDB's SDK client already speaks HTTP/1.1, which dynalite serves, so no handler choice here. */
export function createDynamoDbClient(options: DynamoDbClientOptions): DynamoDBClient {
  return awsClient(DynamoDBClient, {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.endpoint === undefined ? undefined : LOCAL_CREDENTIALS,
    maxAttempts: options.maxAttempts,
  });
}
