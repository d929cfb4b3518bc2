/**
 * The SearchHttp port over HTTPS, signed with SigV4 for the `es` service: the domain's
 * access policy admits the setup function's role, and an unsigned request from it would be
 * anonymous. The client (runtime/aws/search-client.ts) signs; this maps answers and errors.
 */
import { errors } from "@opensearch-project/opensearch";
import { createSearchClient, Credentials } from "../aws/search-client";
import { SearchHttp, SearchResponse } from "./setup";

/** What a search function reads of its environment: the stack sets the endpoint, Lambda the region. */
export const SEARCH_FUNCTION_VARIABLES = ["SEARCH_ENDPOINT", "AWS_REGION"] as const;

/** Lambda hands its role's credentials to the function in these variables. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (the Lambda runtime sets them)");
  }
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN };
}

export function signedSearchHttp(
  endpoint: string,
  region: string,
  credentials: () => Promise<Credentials>,
): SearchHttp {
  const client = createSearchClient(endpoint, region, credentials);
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
        // An HTTP error answer is a result for setUpSearch to judge (and retry on 503).
        if (e instanceof errors.ResponseError) return { status: e.meta.statusCode ?? 0, body: e.meta.body };
        throw e;
      }
    },
  };
}

/**
 * The client a Lambda of the search domain uses: its endpoint from SEARCH_ENDPOINT, the
 * region Lambda sets, credentials read afresh for each signature (Lambda rotates them).
 */
export function searchHttpFromEnv(env: NodeJS.ProcessEnv = process.env): SearchHttp {
  const { SEARCH_ENDPOINT: endpoint, AWS_REGION: region } = env;
  if (!endpoint || !region) {
    throw new Error("SEARCH_ENDPOINT and AWS_REGION must be set (the stack and the Lambda runtime set them)");
  }
  return signedSearchHttp(endpoint, region, async () => credentialsFromEnv(env));
}
