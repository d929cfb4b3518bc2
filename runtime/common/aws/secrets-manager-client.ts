import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

import { awsClient, ClientEndpoint, endpointConfig } from "./aws-client";

/** Secrets Manager's SDK client speaks HTTP/1.1 by default, which a local stand-in serves too. */
export function createSecretsManagerClient(where: ClientEndpoint): SecretsManagerClient {
  return awsClient(SecretsManagerClient, endpointConfig(where));
}
