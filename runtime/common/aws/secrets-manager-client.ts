import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

import { awsClient } from "./aws-client";
import { LOCAL_CREDENTIALS } from "./local-credentials";

export interface SecretsManagerClientOptions {
  region: string;
  /** Set for a local stand-in; unset means the real regional AWS endpoint. */
  endpoint?: string;
  /** SDK attempts per call (default: the SDK's own, 3). */
  maxAttempts?: number;
}

/** Secrets Manager's SDK client speaks HTTP/1.1 by default, which a local stand-in serves too. */
export function createSecretsManagerClient(options: SecretsManagerClientOptions): SecretsManagerClient {
  return awsClient(SecretsManagerClient, {
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.endpoint === undefined ? undefined : LOCAL_CREDENTIALS,
    maxAttempts: options.maxAttempts,
  });
}
