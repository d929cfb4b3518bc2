/**
 * A function triggered by a stream, the way this pipeline always does it: an event source
 * mapping that reads the stream (polling) with partial batch failures and bisect on error,
 * so one bad record does not hold up its shard, and an encrypted on-failure queue for the
 * batches that run out of retries or age, so nothing is dropped unseen. The function's
 * role gets what the mapping calls with it: the stream's reads and the queue.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { grant } from "../common/grants";
import { StreamStorage } from "../stream/stream-storage";

/**
 * What the event source mapping calls on the stream with the function's role (the function's
 * own code calls none of it): the list Lambda documents for a Kinesis mapping.
 */
const ESM_SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html";
export const ESM_STREAM_CALLS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
  ].map((action) => [action, `Lambda's event source mapping, with the function's role: ${ESM_SOURCE}`]),
);
export const ESM_STREAM_ACTIONS = Object.keys(ESM_STREAM_CALLS);
/** The mapping sends a failed batch's pointer to the on-failure queue, with the function's role. */
export const DEAD_LETTER_ACTIONS = ["sqs:SendMessage"] as const;
const DEAD_LETTER_USED_BY =
  "Lambda's event source mapping, sending a failed batch to its on-failure destination with the function's role: " +
  "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html";

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
}

export interface StreamTrigger {
  mapping: aws.lambda.EventSourceMapping;
  failures: aws.sqs.Queue;
}

export function streamTrigger(name: string, args: StreamTriggerArgs, owner: pulumi.Resource): StreamTrigger {
  const parent = { parent: owner };
  const failures = new aws.sqs.Queue(
    `${name}-failed`,
    { sqsManagedSseEnabled: true, messageRetentionSeconds: FAILURE_RETENTION_SECONDS },
    parent,
  );
  args.stream.grantCalledBy(args.role, name, "EventSourceMapping", ESM_STREAM_CALLS);
  grant(
    `${name}-trigger`,
    args.role,
    [{ sid: "OnFailure", actions: DEAD_LETTER_ACTIONS, resources: [failures.arn], usedBy: DEAD_LETTER_USED_BY }],
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
