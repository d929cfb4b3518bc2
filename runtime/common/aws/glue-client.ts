import { GlueClient } from "@aws-sdk/client-glue";

import { awsClient, ClientEndpoint, endpointConfig } from "./aws-client";

/** The Glue Schema Registry's client: the schema sources and the registry's setup function build it here. */
export function createGlueClient(where: ClientEndpoint): GlueClient {
  return awsClient(GlueClient, endpointConfig(where));
}
