/**
 * What the consumer benchmark runs against: kinesis-local and dynalite (the local stack's
 * own guarded children, on random free ports), streams, registered fan-out consumers, lease
 * tables, and the processes it starts: processing workers (dist/runtime/processing/main.js,
 * exactly as the container runs it, with lib/bench-processor.js as PROCESSOR_MODULE), the
 * producer (lib/producer-child.mjs) and the bare reader (lib/bare-reader.mjs).
 */
import { contractEnvironment } from "../../runtime/common/contract";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { createDynamoDbClient } from "../../runtime/common/aws/dynamodb-client";
import { createKinesisClient } from "../../runtime/common/aws/kinesis-client";
import { LeaseTable } from "../../runtime/processing/leases/lease-table";
import { LOCAL_REGION, LocalEmulators, startEmulators } from "../../runtime/local/emulators";
import { createLocalStream, LocalStream, registerLocalStreamConsumer } from "../../runtime/local/stream-setup";
import { compiledEntrypoint } from "../../runtime/common/services";
import { PROCESSING } from "../../runtime/processing/service-contract";
import { onExit } from "./cleanup";
import { BenchChild, Message, startIpcChild, waitFor } from "./children";

export const BENCH_PROCESSOR = path.join(__dirname, "bench-processor.js");

export class ConsumerStack {
  private constructor(
    readonly emulators: LocalEmulators,
    /** HTTP/1.1: kinesis-local fails under the SDK's HTTP/2 handler. */
    readonly kinesis: KinesisClient,
    readonly dynamo: DynamoDBClient,
    private readonly forget: () => void,
  ) {}

  static async start(): Promise<ConsumerStack> {
    // A free port may be taken between the check and the emulator's bind: one more try.
    const emulators = await startEmulators().catch((error: Error) => {
      if (!/EADDRINUSE|Address already in use/.test(error.message)) throw error;
      return startEmulators();
    });
    const forget = onExit(() => Promise.all([emulators.kinesis.stop(), emulators.dynamodb.stop()]).then(() => {}));
    return new ConsumerStack(
      emulators,
      createKinesisClient({ region: LOCAL_REGION, endpoint: emulators.kinesis.endpoint, http: "1.1" }),
      createDynamoDbClient({ region: LOCAL_REGION, endpoint: emulators.dynamodb.endpoint }),
      forget,
    );
  }

  /** Not "consumer-...": kinesis-local misreads a consumer ARN whose stream name contains "consumer". */
  createStream(shards: number): Promise<LocalStream> {
    return createLocalStream(this.kinesis, `bench-${randomUUID().slice(0, 8)}`, shards);
  }

  newApplication(prefix: string): { applicationName: string; table: LeaseTable } {
    const applicationName = `${prefix}-${randomUUID().slice(0, 8)}`;
    return { applicationName, table: new LeaseTable(this.dynamo, applicationName) };
  }

  /** Registers an enhanced fan-out consumer and waits until it is ACTIVE; returns its ARN. */
  registerConsumer(stream: LocalStream, consumerName: string): Promise<string> {
    return registerLocalStreamConsumer(this.kinesis, stream, consumerName);
  }

  /**
   * A processing worker as the container runs it, with the bench processor. `settings`
   * are its environment variables beyond the connection ones (RETRIEVAL_MODE, ...), plus
   * BENCH_INNER / BENCH_IDS for the processor (see bench-processor.js).
   */
  startWorker(stream: LocalStream, applicationName: string, workerId: string, settings: Record<string, string>) {
    return startIpcChild({
      name: `worker ${workerId}`,
      script: compiledEntrypoint(PROCESSING),
      env: {
        ...contractEnvironment(PROCESSING, {
          STREAM_NAME: stream.streamName,
          AWS_REGION: LOCAL_REGION,
          APPLICATION_NAME: applicationName,
          WORKER_ID: workerId,
          KINESIS_ENDPOINT: this.emulators.kinesis.endpoint,
          DYNAMODB_ENDPOINT: this.emulators.dynamodb.endpoint,
          PROCESSOR_MODULE: BENCH_PROCESSOR,
          // One EMF document, at shutdown: no periodic output competing for the CPU mid-run.
          METRICS_INTERVAL_MS: 3_600_000,
          LOG_LEVEL: "warn",
        }).variables,
        // The worker's own settings under test, and BENCH_* for the bench processor.
        ...settings,
      },
    });
  }

  /** The producer child (KinesisProducer with the ingest service's settings) for `stream`. */
  async startProducer(stream: LocalStream): Promise<BenchChild> {
    const child = startIpcChild({
      name: "producer",
      script: path.join(__dirname, "producer-child.mjs"),
      env: { BENCH_KINESIS_ENDPOINT: this.emulators.kinesis.endpoint, BENCH_STREAM: stream.streamName },
    });
    await waitFor(child, (m) => m.type === "ready", 30_000, "ready");
    return child;
  }

  async startBareReader(): Promise<BenchChild> {
    const child = startIpcChild({ name: "bare reader", script: path.join(__dirname, "bare-reader.mjs"), env: {} });
    await waitFor(child, (m) => m.type === "ready", 30_000, "ready");
    return child;
  }

  async stop(): Promise<void> {
    this.kinesis.destroy();
    this.dynamo.destroy();
    await Promise.all([this.emulators.kinesis.stop(), this.emulators.dynamodb.stop()]);
    this.forget();
  }
}

/** Sends a request to a child and waits for its answer (a message of type `answer`, or "error"). */
export async function ask(child: BenchChild, request: Message, answer: string, timeoutMs: number): Promise<Message> {
  const before = child.messages().length;
  child.send(request);
  const reply = await waitFor(
    child,
    (m) => child.messages().indexOf(m) >= before && (m.type === answer || m.type === "error"),
    timeoutMs,
    answer,
  );
  if (reply.type === "error") throw new Error(`${child.name}: ${String(reply.error)}`);
  return reply;
}
