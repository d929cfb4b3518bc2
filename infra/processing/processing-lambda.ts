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
import { serviceActions } from "../../runtime/common/contract";
import { PROCESSING_LAMBDA } from "../../runtime/processing/lambda-contract";
import { ProcessingConfig } from "./processing-config";
import { partEnvironment } from "../common/part-environment";
import { runtimeFunction } from "../common/runtime-function";
import { streamTrigger } from "./stream-trigger";
import { StreamStorage } from "../stream/stream-storage";

/**
 * Production packages the processing Lambda loads: the logger, the KPL codec and schema
 * decompression. The Lambda runtime ships AWS SDK v3 itself (the Glue client included).
 */
export const PROCESSING_LAMBDA_PACKAGES = ["pino", "protobufjs", "pako"] as const;

export interface ProcessingLambdaArgs {
  stream: StreamStorage;
  schemaRegistryName: pulumi.Input<string>;
  processing: ProcessingConfig;
}

export class ProcessingLambda extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly deadLetters: aws.sqs.Queue;
  readonly mapping: aws.lambda.EventSourceMapping;
  /** The function's role: what reads the stream (and, for schemas, the registry). */
  readonly role: aws.iam.Role;
  /** The registry's actions its code calls (the contract's), for the registry to grant. */
  readonly schemaActions: string[];

  constructor(name: string, args: ProcessingLambdaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:processing:ProcessingLambda", name, {}, opts);
    const functionName = `${name}-function`;
    // Records written with a schema header are decoded with the registry's versions.
    const environment = partEnvironment(PROCESSING_LAMBDA, {
      LOG_LEVEL: "info",
      SCHEMA_REGISTRY_NAME: args.schemaRegistryName,
    });
    this.schemaActions = serviceActions(PROCESSING_LAMBDA, environment.variables, "glue");
    const { function: fn, role } = runtimeFunction(
      functionName,
      {
        environment,
        packages: PROCESSING_LAMBDA_PACKAGES,
        memorySize: 256,
        timeout: 60,
      },
      this,
    );
    this.function = fn;
    this.role = role;
    const l = args.processing.lambda;
    ({ mapping: this.mapping, failures: this.deadLetters } = streamTrigger(
      name,
      {
        stream: args.stream,
        fn: this.function,
        role,
        startingPosition: args.processing.initialPosition,
        batchSize: l.batchSize,
        batchingWindowSeconds: l.batchingWindowSeconds,
        maxRetryAttempts: l.maxRetryAttempts,
        maxRecordAgeSeconds: l.maxRecordAgeSeconds,
        parallelizationFactor: l.parallelizationFactor,
      },
      this,
    ));
    this.registerOutputs({ functionName: this.function.name, deadLetterQueueUrl: this.deadLetters.url });
  }
}
