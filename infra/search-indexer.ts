/**
 * The search indexer: a Lambda (runtime/search/indexer-entry.ts) behind an event source
 * mapping on the hot-spot job's results stream, putting each batch into OpenSearch with a
 * signed _bulk call. Rows it could not write come back as partial batch failures and are
 * retried; a batch that keeps failing goes to an on-failure queue instead of blocking the
 * shard, so nothing the job computed is dropped unseen.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import path from "node:path";
import { SERVICE_ENTRYPOINTS } from "../runtime/services";
import { grant } from "./grants";
import { packagesExcept } from "./lambda-packages";
import { LOG_WRITE_ACTIONS } from "./fargate-task";
import { DEAD_LETTER_ACTIONS, ESM_STREAM_ACTIONS } from "./processing-lambda";
import { SearchDomain } from "./search-domain";
import { serviceRole } from "./service-role";
import { StreamStorage } from "./stream";

const REPO_ROOT = path.resolve(__dirname, "..");

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
    const entry = SERVICE_ENTRYPOINTS.searchIndexerLambda;
    if (!existsSync(path.join(REPO_ROOT, entry))) {
      throw new Error(
        `${entry} is missing: run \`npm run build\` before \`pulumi up\` (the indexer ships the compiled runtime)`,
      );
    }
    const parent = { parent: this };
    this.role = serviceRole(name, "lambda.amazonaws.com", args.tags, this);
    const logGroup = new aws.cloudwatch.LogGroup(
      name,
      { retentionInDays: args.logRetentionDays, tags: args.tags },
      parent,
    );
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
        { sid: "Logs", actions: LOG_WRITE_ACTIONS, resources: [pulumi.interpolate`${logGroup.arn}:*`] },
      ],
      this,
    );
    this.function = new aws.lambda.CallbackFunction(
      name,
      {
        role: this.role,
        runtime: "nodejs22.x",
        memorySize: 256,
        timeout: 60,
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        environment: { variables: { SEARCH_ENDPOINT: args.search.domain.endpoint } },
        callback: async (event: unknown) => {
          // The compiled runtime sits next to this handler in the archive (extraIncludePaths).
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const indexer = require("./dist/runtime/search/indexer-entry");
          return indexer.handle(event);
        },
        codePathOptions: {
          extraIncludePaths: [path.relative(process.cwd(), path.join(REPO_ROOT, "dist", "runtime"))],
          extraExcludePackages: packagesExcept(INDEXER_PACKAGES),
        },
        tags: args.tags,
      },
      parent,
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
