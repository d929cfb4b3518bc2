/**
 * The OpenSearch client of the search functions: HTTPS to the domain's endpoint, each
 * request authenticated one of two ways. The pipeline's IAM roles sign with SigV4 for the
 * `es` service (opensearch-js does the signing); the setup function's calls to the security
 * plugin's REST API carry the master user's name and password (HTTP basic authentication)
 * instead, unsigned. Like the SDK clients (aws-client.ts), it records each request in the
 * call trace when the tests switch it on: the method and path are what IAM authorizes
 * (es:ESHttp<Method> on <domain arn>/<path>), and an unsigned request is recorded as such,
 * since IAM sees it as anonymous (tests/iam/iam-requests.ts).
 */
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { callTraceOn, recordCall } from "./call-trace";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How the client's requests authenticate. */
export type SearchAuth =
  | { kind: "sigv4"; region: string; credentials: () => Promise<Credentials> }
  | { kind: "basic"; username: string; password: string };

/** The domain's endpoint as opensearch-js takes it: the stack passes the bare host name. */
export function nodeUrl(endpoint: string): string {
  return endpoint.startsWith("http") ? endpoint : `https://${endpoint}`;
}

export function createSearchClient(endpoint: string, auth: SearchAuth): Client {
  const client = new Client(
    auth.kind === "sigv4"
      ? {
          node: nodeUrl(endpoint),
          ...AwsSigv4Signer({ region: auth.region, service: "es", getCredentials: auth.credentials }),
        }
      : { node: nodeUrl(endpoint), auth: { username: auth.username, password: auth.password } },
  );
  if (callTraceOn()) {
    // Emitted once per attempt, with the request as sent: the method and the path without its query.
    client.on("request", (_error, event) => {
      const params = event?.meta?.request?.params;
      if (!params) return;
      recordCall({
        service: "es",
        operation: params.method,
        names: { Endpoint: endpoint },
        path: params.path,
        ...(auth.kind === "basic" ? { auth: "basic" as const } : {}),
      });
    });
  }
  return client;
}
