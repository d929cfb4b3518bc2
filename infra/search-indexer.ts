/**
 * The search indexer: a Lambda (runtime/search/indexer-entry.ts) behind an event source
 * mapping on the hot-spot job's results stream, putting each batch into OpenSearch with a
 * signed _bulk call. Rows it could not write come back as partial batch failures and are
 * retried; a batch that keeps failing goes to an on-failure queue instead of blocking the
 * shard, so nothing the job computed is dropped unseen.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { grant } from "./grants";
import { DEAD_LETTER_ACTIONS, ESM_STREAM_ACTIONS } from "./processing-lambda";
import { runtimeFunction } from "./runtime-function";
import { SearchDomain } from "./search-domain";
import { StreamStorage } from "./stream";

/** _bulk is a POST: all the indexer sends. */
export const SEARCH_INDEX_ACTIONS = ["es:ESHttpPost"] as const;
/** Packages the indexer loads besides the compiled runtime. */
export const INDEXER_PACKAGES = ["@opensearch-project/opensearch"] as const;

export interface SearchIndexerArgs {
  results: StreamStorage;
  search: SearchDomain;
  logRetentionDays: number;
  tags: Record<string, string>;
}

export class SearchIndexer extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly failures: aws.sqs.Queue;
  readonly role: aws.iam.Role;

  constructor(name: string, args: SearchIndexerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:search:SearchIndexer", name, {}, opts);
    const parent = { parent: this };
    ({ function: this.function, role: this.role } = runtimeFunction(
      name,
      {
        module: "searchIndexerLambda",
        packages: INDEXER_PACKAGES,
        environment: { SEARCH_ENDPOINT: args.search.domain.endpoint },
        memorySize: 256,
        timeout: 60,
        logRetentionDays: args.logRetentionDays,
        tags: args.tags,
      },
      this,
    ));
    this.failures = new aws.sqs.Queue(
      `${name}-failed`,
      { sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600, tags: args.tags },
      parent,
    );
    args.results.grantRead(this.role, name);
    args.search.grantHttp(name, this.role, SEARCH_INDEX_ACTIONS);
    grant(
      `${name}-function`,
      this.role,
      [
        { sid: "EventSourceMapping", actions: ESM_STREAM_ACTIONS, resources: [args.results.arn] },
        { sid: "OnFailure", actions: DEAD_LETTER_ACTIONS, resources: [this.failures.arn] },
      ],
      this,
    );
    new aws.lambda.EventSourceMapping(
      name,
      {
        eventSourceArn: args.results.arn,
        functionName: this.function.arn,
        startingPosition: "TRIM_HORIZON",
        batchSize: 500,
        maximumBatchingWindowInSeconds: 5,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 10,
        // The results stream keeps a day: a row older than that is gone anyway.
        maximumRecordAgeInSeconds: 86_400,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: this.failures.arn } },
      },
      parent,
    );
    this.registerOutputs({ functionName: this.function.name, failureQueueUrl: this.failures.url });
  }
}
