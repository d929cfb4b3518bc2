/**
 * The search domain's setup function (infra/search-domain.ts wraps `handle` in a Lambda
 * that the stack invokes once the domain and its access policy exist). The event is
 * SetupInput; the domain's endpoint comes from SEARCH_ENDPOINT.
 */
import { asPart } from "../aws/call-trace";
import { SEARCH_FUNCTION_VARIABLES, searchHttpFromEnv } from "./signed-search-http";
import { setUpSearch, SetupInput, SetupReport } from "./setup";

export function handle(event: SetupInput): Promise<SetupReport> {
  return asPart("searchSetupLambda", SEARCH_FUNCTION_VARIABLES, () => setUpSearch(searchHttpFromEnv(), event));
}
