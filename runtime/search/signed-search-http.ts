/**
 * The SearchHttp port signed with SigV4 for the `es` service, as the pipeline's IAM roles
 * call the domain: the access policy admits each role by its ARN, and fine-grained access
 * control maps the role's ARN (a backend role) to the OpenSearch role it may act as. An
 * unsigned request from a Lambda would be anonymous: the access policy refuses it. The
 * client (runtime/common/aws/search-client.ts) signs; search-http.ts maps answers and errors.
 */
import { createSearchClient, Credentials } from "../common/aws/search-client";
import { readEnv } from "../common/env";
import { clientSearchHttp } from "./search-http";
import { SEARCH_FUNCTION_VARIABLES } from "./search-variables";
import { SearchHttp } from "./setup";

export type { Credentials } from "../common/aws/search-client";

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
  return clientSearchHttp(createSearchClient(endpoint, { kind: "sigv4", region, credentials }));
}

/**
 * The client a Lambda of the search domain uses: its endpoint from SEARCH_ENDPOINT, the
 * region Lambda sets (search-variables.ts), credentials read afresh for each signature
 * (Lambda rotates them).
 */
export function searchHttpFromEnv(env: NodeJS.ProcessEnv = process.env): SearchHttp {
  const { SEARCH_ENDPOINT: endpoint, AWS_REGION: region } = readEnv(SEARCH_FUNCTION_VARIABLES, env);
  return signedSearchHttp(endpoint, region, async () => credentialsFromEnv(env));
}
