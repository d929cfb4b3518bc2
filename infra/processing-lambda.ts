/**
 * Processing in `lambda` mode, the second reference architecture: the record processor of
 * the Fargate workers runs in a Lambda behind an event source mapping on the stream, with
 * partial batch failures, bisect on error, a retry limit, a record age limit and an SQS
 * on-failure destination, so one bad record does not block its shard.
 *
 * The function's code is the compiled runtime (dist/runtime, built by `npm run build`),
 * required by a small callback: the same module the tests exercise, not a serialized copy.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import path from "node:path";
import { SERVICE_ENTRYPOINTS } from "../runtime/services";
import { ProcessingConfig } from "./config";
import { grant } from "./grants";
import { LOG_WRITE_ACTIONS } from "./fargate-task";
import { serviceRole } from "./service-role";
import { StreamStorage } from "./stream";

const REPO_ROOT = path.resolve(__dirname, "..");

/** The event source mapping also describes the stream (on top of the polling read grant). */
export const ESM_STREAM_ACTIONS = ["kinesis:DescribeStream"] as const;
export const DEAD_LETTER_ACTIONS = ["sqs:SendMessage"] as const;

/** Production packages the processing Lambda does not load: kept out of its archive. */
export const LAMBDA_EXCLUDED_PACKAGES = [
  "fastify",
  "aws-embedded-metrics",
  "@aws-sdk/client-dynamodb",
  "@aws-sdk/client-kinesis",
  "@aws-sdk/client-kinesis-analytics-v2",
  "@smithy/node-http-handler",
  // The Lambda runtime ships AWS SDK v3 itself (the Glue client included); validation is ingest's.
  "@aws-sdk/client-glue",
  "ajv",
  "ajv-formats",
];

export interface ProcessingLambdaArgs {
  stream: StreamStorage;
  schemaRegistryName: pulumi.Input<string>;
  processing: ProcessingConfig;
  /** `logRetentionDays`: the function's logs are kept as long as the services' logs. */
  logRetentionDays: number;
  tags: Record<string, string>;
}

export class ProcessingLambda extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly deadLetters: aws.sqs.Queue;
  readonly mapping: aws.lambda.EventSourceMapping;
  /** The function's role: what reads the stream (and, for schemas, the registry). */
  readonly role: aws.iam.Role;

  constructor(name: string, args: ProcessingLambdaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:processing:ProcessingLambda", name, {}, opts);
    const entry = SERVICE_ENTRYPOINTS.processingLambda;
    if (!existsSync(path.join(REPO_ROOT, entry))) {
      throw new Error(
        `${entry} is missing: run \`npm run build\` before \`pulumi up\` (the Lambda ships the compiled runtime)`,
      );
    }
    const parent = { parent: this };
    const role = (this.role = serviceRole(`${name}-function`, "lambda.amazonaws.com", args.tags, this));
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-function`,
      { retentionInDays: args.logRetentionDays, tags: args.tags },
      parent,
    );
    this.deadLetters = new aws.sqs.Queue(
      `${name}-failed`,
      { sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600, tags: args.tags },
      parent,
    );
    args.stream.grantRead(role, `${name}-function`);
    grant(
      `${name}-function`,
      role,
      [
        { sid: "EventSourceMapping", actions: ESM_STREAM_ACTIONS, resources: [args.stream.arn] },
        { sid: "OnFailure", actions: DEAD_LETTER_ACTIONS, resources: [this.deadLetters.arn] },
        { sid: "Logs", actions: LOG_WRITE_ACTIONS, resources: [pulumi.interpolate`${logGroup.arn}:*`] },
      ],
      this,
    );

    this.function = new aws.lambda.CallbackFunction(
      `${name}-function`,
      {
        role,
        runtime: "nodejs22.x",
        memorySize: 256,
        timeout: 60,
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        // Records written with a schema header are decoded with the registry's versions.
        environment: { variables: { LOG_LEVEL: "info", SCHEMA_REGISTRY_NAME: args.schemaRegistryName } },
        callback: async (event: unknown) => {
          // The compiled runtime sits next to this handler in the archive (extraIncludePaths).
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const processing = require("./dist/runtime/consumer/lambda-entry");
          return processing.handle(event);
        },
        codePathOptions: {
          // Included at the same relative path, so the require above finds it from the archive root.
          extraIncludePaths: [path.relative(process.cwd(), path.join(REPO_ROOT, "dist", "runtime"))],
          extraExcludePackages: LAMBDA_EXCLUDED_PACKAGES,
        },
        tags: args.tags,
      },
      parent,
    );

    const l = args.processing.lambda;
    this.mapping = new aws.lambda.EventSourceMapping(
      name,
      {
        eventSourceArn: args.stream.arn,
        functionName: this.function.arn,
        startingPosition: args.processing.initialPosition,
        batchSize: l.batchSize,
        maximumBatchingWindowInSeconds: l.batchingWindowSeconds,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: l.maxRetryAttempts,
        maximumRecordAgeInSeconds: l.maxRecordAgeSeconds,
        parallelizationFactor: l.parallelizationFactor,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: this.deadLetters.arn } },
      },
      parent,
    );
    this.registerOutputs({ functionName: this.function.name, deadLetterQueueUrl: this.deadLetters.url });
  }
}
