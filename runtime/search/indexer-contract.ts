/**
 * The search indexer's contract: a Lambda behind an event source mapping on the hot-spot
 * job's results stream, putting each batch into OpenSearch with one signed _bulk call. The
 * mapping reads the stream with the function's role; the function's own code calls only
 * the domain.
 */
import { defineContract } from "../common/contract";
import { SEARCH_FUNCTION_VARIABLES } from "./search-variables";

export const SEARCH_INDEXER = defineContract({
  part: "searchIndexerLambda",
  purpose: "the search indexer: result rows from the results stream into OpenSearch",
  entry: { kind: "lambda", module: "dist/runtime/search/indexer-entry.js" },
  variables: SEARCH_FUNCTION_VARIABLES,
  resources: { domain: { named: ["SEARCH_ENDPOINT"] } },
  // _bulk is a POST: all it sends.
  calls: [{ action: "es:ESHttpPost", on: "domain" }],
  metrics: [],
});
