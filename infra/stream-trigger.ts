/**
 * A function triggered by a stream, the way this pipeline always does it: an event source
 * mapping that reads the stream (polling) with partial batch failures and bisect on error,
 * so one bad record does not hold up its shard, and an encrypted on-failure queue for the
 * batches that run out of retries or age, so nothing is dropped unseen. The function's
 * role gets the stream's read grant, DescribeStream for the mapping, and the queue.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { grant } from "./grants";
import { StreamStorage } from "./stream";

/** The event source mapping also describes the stream (on top of the polling read grant). */
export const ESM_STREAM_ACTIONS = ["kinesis:DescribeStream"] as const;
export const DEAD_LETTER_ACTIONS = ["sqs:SendMessage"] as const;

/** The on-failure queue keeps a batch's pointer as long as SQS allows: 14 days. */
const FAILURE_RETENTION_SECONDS = 14 * 24 * 3600;

export interface StreamTriggerArgs {
  stream: StreamStorage;
  fn: aws.lambda.Function;
  role: aws.iam.Role;
  startingPosition: pulumi.Input<string>;
  batchSize: number;
  batchingWindowSeconds: number;
  maxRetryAttempts: number;
  maxRecordAgeSeconds: number;
  parallelizationFactor?: number;
  tags: Record<string, string>;
}

export interface StreamTrigger {
  mapping: aws.lambda.EventSourceMapping;
  failures: aws.sqs.Queue;
}

export function streamTrigger(name: string, args: StreamTriggerArgs, owner: pulumi.Resource): StreamTrigger {
  const parent = { parent: owner };
  const failures = new aws.sqs.Queue(
    `${name}-failed`,
    { sqsManagedSseEnabled: true, messageRetentionSeconds: FAILURE_RETENTION_SECONDS, tags: args.tags },
    parent,
  );
  args.stream.grantRead(args.role, name);
  grant(
    `${name}-trigger`,
    args.role,
    [
      { sid: "EventSourceMapping", actions: ESM_STREAM_ACTIONS, resources: [args.stream.arn] },
      { sid: "OnFailure", actions: DEAD_LETTER_ACTIONS, resources: [failures.arn] },
    ],
    owner,
  );
  const mapping = new aws.lambda.EventSourceMapping(
    name,
    {
      eventSourceArn: args.stream.arn,
      functionName: args.fn.arn,
      startingPosition: args.startingPosition,
      batchSize: args.batchSize,
      maximumBatchingWindowInSeconds: args.batchingWindowSeconds,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: args.maxRetryAttempts,
      maximumRecordAgeInSeconds: args.maxRecordAgeSeconds,
      ...(args.parallelizationFactor ? { parallelizationFactor: args.parallelizationFactor } : {}),
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: failures.arn } },
    },
    parent,
  );
  return { mapping, failures };
}
