/**
 * The SearchHttp port over HTTPS with opensearch-js (runtime/common/aws/search-client.ts), which
 * owns the connections and the request signing; how a request authenticates is the
 * client's. The domain runs fine-grained access control, so every request carries a
 * credential: a SigV4 signature for the pipeline's IAM roles (signed-search-http.ts), or
 * the master user's name and password (HTTP basic authentication) for the security
 * plugin's REST API.
 */
import { Client, errors } from "@opensearch-project/opensearch";
import { createSearchClient } from "../common/aws/search-client";
import { MasterUser } from "./setup-contract";
import { SearchHttp, SearchResponse } from "./setup";

/** A SearchHttp over an opensearch-js client (made by createSearchClient). */
export function clientSearchHttp(client: Client): SearchHttp {
  return {
    async request(method, path, body, headers = {}): Promise<SearchResponse> {
      const [pathname, query] = path.split("?", 2);
      try {
        const response = await client.transport.request(
          {
            method,
            path: pathname,
            querystring: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
            // A string is sent as it is (a _bulk body is NDJSON), anything else as JSON.
            body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
          },
          { headers: { "content-type": "application/json", ...headers } },
        );
        return { status: response.statusCode ?? 0, body: response.body };
      } catch (e) {
        // An HTTP error answer is a result for the caller to judge (and retry on 503).
        if (e instanceof errors.ResponseError) return { status: e.meta.statusCode ?? 0, body: e.meta.body };
        throw e;
      }
    },
  };
}

/** Requests as the domain's master user: HTTP basic authentication, over HTTPS only on AWS. */
export function masterSearchHttp(endpoint: string, master: MasterUser): SearchHttp {
  return clientSearchHttp(
    createSearchClient(endpoint, { kind: "basic", username: master.username, password: master.password }),
  );
}
