import { GlueClient } from "@aws-sdk/client-glue";

import { awsClient } from "./aws-client";
import { LOCAL_CREDENTIALS } from "./local-credentials";

export interface GlueClientOptions {
  region: string;
  /** Set for a local stand-in; unset means the real regional endpoint (or AWS_ENDPOINT_URL_GLUE). */
  endpoint?: string;
  /** SDK attempts per call (default: the SDK's own, 3). */
  maxAttempts?: number;
}

/** The Glue Schema Registry's client: the schema sources and the registry's setup function build it here. */
export function createGlueClient(options: GlueClientOptions): GlueClient {
  return awsClient(GlueClient, {
    region: options.region,
    endpoint: options.endpoint,
    // A stand-in accepts any signature, so a local run never needs (or uses) real AWS credentials.
    credentials: options.endpoint === undefined ? undefined : LOCAL_CREDENTIALS,
    maxAttempts: options.maxAttempts,
  });
}
