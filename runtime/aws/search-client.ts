/**
 * The OpenSearch client of the search functions: HTTPS to the domain's endpoint, every
 * request signed with SigV4 for the `es` service (opensearch-js does the signing). Like the
 * SDK clients (aws-client.ts), it records each request in the call trace when the tests
 * switch it on: the method and path are what IAM authorizes (es:ESHttp<Method> on
 * <domain arn>/<path>).
 */
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { callTraceOn, recordCall } from "./call-trace";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function createSearchClient(endpoint: string, region: string, credentials: () => Promise<Credentials>): Client {
  const client = new Client({
    node: endpoint.startsWith("http") ? endpoint : `https://${endpoint}`,
    ...AwsSigv4Signer({ region, service: "es", getCredentials: credentials }),
  });
  if (callTraceOn()) {
    // Emitted once per attempt, with the request as sent: the method and the path without its query.
    client.on("request", (_error, event) => {
      const params = event?.meta?.request?.params;
      if (!params) return;
      recordCall({ service: "es", operation: params.method, names: { Endpoint: endpoint }, path: params.path });
    });
  }
  return client;
}
