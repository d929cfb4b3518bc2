/**
 * The search indexer: a Lambda (runtime/search/indexer-entry.ts) behind an event source
 * mapping on the hot-spot job's results stream, putting each batch into OpenSearch with a
 * signed _bulk call. Rows it could not write come back as partial batch failures and are
 * retried; a batch that keeps failing goes to an on-failure queue instead of blocking the
 * shard, so nothing the job computed is dropped unseen.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { actionsOn } from "../../runtime/common/contract";
import { SEARCH_INDEXER } from "../../runtime/search/indexer-contract";
import { partEnvironment } from "../common/part-environment";
import { runtimeFunction } from "../common/runtime-function";
import { streamTrigger } from "../processing/stream-trigger";
import { SearchDomain } from "./search-domain";
import { RESULTS_WRITER_ROLE } from "../../runtime/search/search-roles";
import { StreamStorage } from "../stream/stream-storage";

/** Packages the indexer loads besides the compiled runtime. */
export const INDEXER_PACKAGES = ["@opensearch-project/opensearch"] as const;

export interface SearchIndexerArgs {
  results: StreamStorage;
  search: SearchDomain;
}

export class SearchIndexer extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly failures: aws.sqs.Queue;
  readonly role: aws.iam.Role;

  constructor(name: string, args: SearchIndexerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:search:SearchIndexer", name, {}, opts);
    const environment = partEnvironment(SEARCH_INDEXER, { SEARCH_ENDPOINT: args.search.domain.endpoint });
    ({ function: this.function, role: this.role } = runtimeFunction(
      name,
      {
        environment,
        packages: INDEXER_PACKAGES,
        memorySize: 256,
        timeout: 60,
      },
      this,
    ));
    // Mapped to the results writer: _bulk into the results indices, nothing else.
    args.search.grantHttp(name, this.role, {
      actions: actionsOn(SEARCH_INDEXER, "domain", environment.variables),
      searchRole: RESULTS_WRITER_ROLE,
    });
    ({ failures: this.failures } = streamTrigger(
      name,
      {
        stream: args.results,
        fn: this.function,
        role: this.role,
        startingPosition: "TRIM_HORIZON",
        batchSize: 500,
        batchingWindowSeconds: 5,
        maxRetryAttempts: 10,
        // The results stream keeps a day: a row older than that is gone anyway.
        maxRecordAgeSeconds: 86_400,
      },
      this,
    ));
    this.registerOutputs({ functionName: this.function.name, failureQueueUrl: this.failures.url });
  }
}
