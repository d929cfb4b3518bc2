/**
 * The search indexer's Lambda module (infra/search-indexer.ts wraps `handle`): result rows
 * from the results stream into OpenSearch, signed with the function's role.
 */
import { KinesisEventRecord, BatchResponse } from "../consumer/lambda-batch";
import { indexResults } from "./indexer";
import { credentialsFromEnv, signedSearchHttp } from "./signed-search-http";

const log = {
  error: (fields: object, msg: string) => console.error(JSON.stringify({ level: "error", msg, ...fields })),
};

export function handle(event: { Records: KinesisEventRecord[] }): Promise<BatchResponse> {
  const endpoint = process.env.SEARCH_ENDPOINT;
  if (!endpoint) throw new Error("SEARCH_ENDPOINT is not set");
  const http = signedSearchHttp(endpoint, process.env.AWS_REGION ?? "us-east-1", async () => credentialsFromEnv());
  return indexResults(event.Records, http, log);
}
