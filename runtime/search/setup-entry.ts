/**
 * The search domain's setup function (infra/search-domain.ts wraps `handle` in a Lambda
 * that the stack invokes once the domain and its access policy exist). The event is
 * SetupInput; the domain's endpoint comes from SEARCH_ENDPOINT.
 */
import { credentialsFromEnv, signedSearchHttp } from "./signed-search-http";
import { setUpSearch, SetupInput, SetupReport } from "./setup";

export function handle(event: SetupInput): Promise<SetupReport> {
  const endpoint = process.env.SEARCH_ENDPOINT;
  if (!endpoint) throw new Error("SEARCH_ENDPOINT is not set");
  const http = signedSearchHttp(endpoint, process.env.AWS_REGION ?? "us-east-1", async () => credentialsFromEnv());
  return setUpSearch(http, event);
}
