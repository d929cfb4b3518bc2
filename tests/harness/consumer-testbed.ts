/**
 * What the processing-worker integration tests share: kinesis-local and dynalite for one
 * test file, a fresh stream and application (lease table) per test, a temporary folder for
 * processed files, and every worker, writer and relay a test starts, tracked so that
 * afterEach ends them even when the test failed half-way.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeStreamSummaryCommand, KinesisClient, UpdateShardCountCommand } from "@aws-sdk/client-kinesis";

import { createDynamoDbClient } from "../../runtime/common/aws/dynamodb-client";
import { createKinesisClient } from "../../runtime/common/aws/kinesis-client";
import { LeaseTable } from "../../runtime/processing/leases/lease-table";
import { LOCAL_REGION, LocalEmulators, startEmulators } from "../../runtime/local/emulators";
import { pollUntil } from "../../runtime/local/poll-until";
import { createLocalStream, LocalStream, registerLocalStreamConsumer } from "../../runtime/local/stream-setup";
import { ConnectionCutter } from "./connection-cutter";
import { ConsumerProcess } from "./consumer-process";
import { KeyedRecordWriter } from "./keyed-records";

/** Short intervals, so that failover, shard sync and checkpoints happen within a test's seconds. */
export const FAST_WORKER_SETTINGS = {
  FAILOVER_MS: "3000",
  CHECKPOINT_INTERVAL_MS: "300",
  POLL_IDLE_MS: "200",
  SHARD_SYNC_INTERVAL_MS: "1000",
} as const;

/** One consumer group of a test: its name is its lease table's. */
export interface Application {
  applicationName: string;
  table: LeaseTable;
}

export interface WorkerOptions {
  stream: LocalStream;
  application: Application;
  workerId: string;
  /** Where the logging processor appends what it processed; several workers may share one. */
  processedFile: string;
  /** Overrides of FAST_WORKER_SETTINGS and any other variable (RETRIEVAL_MODE, PROCESSOR_MODULE, ...). */
  settings?: Record<string, string>;
  /** Kinesis endpoint when not the emulator itself (a relay in front of it). */
  kinesisEndpoint?: string;
}

export class ConsumerTestbed {
  private workers: ConsumerProcess[] = [];
  private writers: KeyedRecordWriter[] = [];
  private cutters: ConnectionCutter[] = [];

  private constructor(
    readonly emulators: LocalEmulators,
    /** HTTP/1.1: kinesis-local fails under the SDK's HTTP/2 handler. */
    readonly kinesis: KinesisClient,
    readonly dynamo: DynamoDBClient,
    /** Processed files go here; removed with the testbed. */
    readonly dir: string,
  ) {}

  static async start(): Promise<ConsumerTestbed> {
    // A free port may be taken between the check and the emulator's bind (other tests run
    // on this machine too): one more try with new ports.
    const emulators = await startEmulators().catch((error: Error) => {
      if (!/EADDRINUSE|Address already in use/.test(error.message)) throw error;
      return startEmulators();
    });
    return new ConsumerTestbed(
      emulators,
      createKinesisClient({ region: LOCAL_REGION, endpoint: emulators.kinesis.endpoint, http: "1.1" }),
      createDynamoDbClient({ region: LOCAL_REGION, endpoint: emulators.dynamodb.endpoint }),
      mkdtempSync(path.join(tmpdir(), "consumer-test-")),
    );
  }

  /**
   * A new ACTIVE stream with a name of its own. Not "consumer-…": kinesis-local misreads a
   * consumer ARN whose stream name contains "consumer" (it finds stream "undefined").
   */
  createStream(shards: number): Promise<LocalStream> {
    return createLocalStream(this.kinesis, `processing-test-${randomUUID().slice(0, 8)}`, shards);
  }

  /** A new consumer group: its workers share a lease table nobody else uses. The workers create the table. */
  newApplication(): Application {
    const applicationName = `consumer-app-${randomUUID().slice(0, 8)}`;
    return { applicationName, table: new LeaseTable(this.dynamo, applicationName) };
  }

  /** A path for a processed file in the testbed's folder. */
  processedFile(name: string): string {
    return path.join(this.dir, `${name}-${randomUUID().slice(0, 8)}.jsonl`);
  }

  startWorker(options: WorkerOptions): ConsumerProcess {
    const worker = ConsumerProcess.start({
      ...FAST_WORKER_SETTINGS,
      STREAM_NAME: options.stream.streamName,
      APPLICATION_NAME: options.application.applicationName,
      WORKER_ID: options.workerId,
      KINESIS_ENDPOINT: options.kinesisEndpoint ?? this.emulators.kinesis.endpoint,
      DYNAMODB_ENDPOINT: this.emulators.dynamodb.endpoint,
      PROCESSED_FILE: options.processedFile,
      ...options.settings,
    });
    this.workers.push(worker);
    return worker;
  }

  async startWriter(stream: LocalStream, keys: number): Promise<KeyedRecordWriter> {
    const writer = await KeyedRecordWriter.start(this.kinesis, stream.streamName, keys);
    this.writers.push(writer);
    return writer;
  }

  async startCutter(): Promise<ConnectionCutter> {
    const cutter = await ConnectionCutter.start(this.emulators.kinesis.port);
    this.cutters.push(cutter);
    return cutter;
  }

  /** Registers an enhanced fan-out consumer and waits until it is ACTIVE; returns its ARN. */
  registerConsumer(stream: LocalStream, consumerName: string): Promise<string> {
    return registerLocalStreamConsumer(this.kinesis, stream, consumerName);
  }

  /** UpdateShardCount (UNIFORM_SCALING) and waits until the stream is ACTIVE again. */
  async reshard(stream: LocalStream, shards: number): Promise<void> {
    await this.kinesis.send(
      new UpdateShardCountCommand({
        StreamName: stream.streamName,
        TargetShardCount: shards,
        ScalingType: "UNIFORM_SCALING",
      }),
    );
    await pollUntil(
      async () => {
        const { StreamDescriptionSummary: s } = await this.kinesis.send(
          new DescribeStreamSummaryCommand({ StreamName: stream.streamName }),
        );
        if (s?.StreamStatus !== "ACTIVE" || s.OpenShardCount !== shards)
          throw new Error(`stream is ${s?.StreamStatus} with ${s?.OpenShardCount} open shards`);
      },
      { what: `stream ${stream.streamName} to have ${shards} open shards`, timeoutMs: 15_000, intervalMs: 100 },
    );
  }

  /** afterEach: kills what is still running, workers first. */
  async cleanUp(): Promise<void> {
    for (const worker of this.workers) worker.kill();
    await Promise.all(this.workers.map((worker) => worker.exitWithin(5_000).catch(() => undefined)));
    await Promise.all(this.writers.map((writer) => writer.close().catch(() => undefined)));
    await Promise.all(this.cutters.map((cutter) => cutter.close()));
    this.workers = [];
    this.writers = [];
    this.cutters = [];
  }

  /** after: everything, the emulators last. */
  async stop(): Promise<void> {
    await this.cleanUp();
    this.kinesis.destroy();
    this.dynamo.destroy();
    await Promise.all([this.emulators.kinesis.stop(), this.emulators.dynamodb.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
