/**
 * The search domain's setup function (infra/search-domain.ts wraps `handle` in a Lambda
 * that the stack invokes once the domain and its access policy exist). The event is
 * SetupInput; the domain's endpoint comes from SEARCH_ENDPOINT.
 */
import { searchHttpFromEnv } from "./signed-search-http";
import { setUpSearch, SetupInput, SetupReport } from "./setup";

export function handle(event: SetupInput): Promise<SetupReport> {
  return setUpSearch(searchHttpFromEnv(), event);
}
