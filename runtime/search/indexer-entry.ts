/**
 * The search indexer's Lambda module (infra/search/search-indexer.ts wraps `handle`): result rows
 * from the results stream into OpenSearch, signed with the function's role.
 */
import { KinesisEventRecord, BatchResponse } from "../processing/lambda-batch";
import { indexResults } from "./indexer";
import { asPart } from "../common/aws/call-trace";
import { SEARCH_INDEXER } from "./indexer-contract";
import { searchHttpFromEnv } from "./signed-search-http";
import { SearchHttp } from "./setup";

const log = {
  error: (fields: object, msg: string) => console.error(JSON.stringify({ level: "error", msg, ...fields })),
};

/** Made on the first batch and kept: its connections serve the next batches. */
let http: SearchHttp | undefined;

export function handle(event: { Records: KinesisEventRecord[] }): Promise<BatchResponse> {
  return asPart(SEARCH_INDEXER.part, SEARCH_INDEXER.variables, () => {
    http ??= searchHttpFromEnv();
    return indexResults(event.Records, http, log);
  });
}
