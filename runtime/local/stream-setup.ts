import {
  CreateStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  RegisterStreamConsumerCommand,
} from "@aws-sdk/client-kinesis";

import { pollUntil } from "./poll-until";

export interface LocalStream {
  streamName: string;
  streamArn: string;
  /** As the emulator reports it: an existing stream keeps the shard count it was created with. */
  shardCount: number;
}

/**
 * Creates the stream and waits until it is ACTIVE (kinesis-local keeps a new stream CREATING
 * for CREATE_STREAM_DURATION, 500 ms by default). A stream that already exists is reused.
 */
export async function createLocalStream(
  client: KinesisClient,
  streamName: string,
  shardCount: number,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<LocalStream> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }), {
      abortSignal: options.signal,
    });
  } catch (error) {
    if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
  }
  return pollUntil(
    async (signal) => {
      const { StreamDescriptionSummary: summary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
        {
          abortSignal: signal,
        },
      );
      if (summary?.StreamStatus !== "ACTIVE") throw new Error(`stream is ${summary?.StreamStatus ?? "missing"}`);
      return { streamName, streamArn: summary.StreamARN ?? "", shardCount: summary.OpenShardCount ?? shardCount };
    },
    {
      what: `stream ${streamName} to become ACTIVE`,
      timeoutMs: options.timeoutMs ?? 30_000,
      intervalMs: 100,
      signal: options.signal,
    },
  );
}

/**
 * Registers an enhanced fan-out consumer of the stream and waits until it is ACTIVE; returns
 * its ARN (what infra's stream consumer gives the processing service as CONSUMER_ARN).
 */
export async function registerLocalStreamConsumer(
  client: KinesisClient,
  stream: LocalStream,
  consumerName: string,
): Promise<string> {
  const { Consumer } = await client.send(
    new RegisterStreamConsumerCommand({ StreamARN: stream.streamArn, ConsumerName: consumerName }),
  );
  const arn = Consumer!.ConsumerARN!;
  await pollUntil(
    async () => {
      const { ConsumerDescription: d } = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }));
      if (d?.ConsumerStatus !== "ACTIVE") throw new Error(`consumer is ${d?.ConsumerStatus}`);
    },
    { what: `stream consumer ${consumerName} to become ACTIVE`, timeoutMs: 15_000, intervalMs: 100 },
  );
  return arn;
}
