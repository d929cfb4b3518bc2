/**
 * A KCL-style consumer application (the processing workers, the lake writer): its clients,
 * its lease table, a reader per shard (enhanced fan-out or polling) and its Coordinator. On
 * SIGTERM or SIGINT it stops fetching, drains the batches in hand, checkpoints, releases its
 * leases for peers, sends its last metrics, closes its clients and exits 0.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import type { Logger } from "pino";
import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { createKinesisClient } from "../common/aws/kinesis-client";
import { onStopSignal } from "../common/service-lifecycle";
import { Coordinator, CoordinatorEvents, CoordinatorOptions, ReaderFactory } from "./coordinator";
import { LeaseTable } from "./leases/lease-table";
import { RecordProcessorFactory } from "./record-processor";
import { FanoutReader } from "./retrieval/fanout-reader";
import { PollingReader } from "./retrieval/polling-reader";
import { CONSUMER_DEFAULTS } from "./service-contract";
import { ConsumerSettings } from "./settings";
import { RecordIntake } from "./shard-consumer";

/** A failing batch is tried again after this long, doubling each time... */
export const PROCESSOR_RETRY_BASE_MS = 200;
/** ...up to this long between tries. */
export const PROCESSOR_RETRY_MAX_MS = 10_000;

/** What the application reads and keeps its leases with. */
export interface ConsumerConnection {
  kinesis: KinesisClient;
  dynamo: DynamoDBClient;
  table: LeaseTable;
}

/** What the application does with its records, and what it stops after the drain. */
export interface ConsumerApplication {
  processors: RecordProcessorFactory;
  /** The Coordinator's counters (ConsumerMetrics, started by the caller). */
  metrics: CoordinatorEvents;
  /** The decoder and the dead letters of the records' intake. */
  intake: RecordIntake;
  /** Logged at the stop signal: what draining means for these processors. */
  drainMessage: string;
  /** After the drain, before the clients close: the last metrics, the application's own clients. */
  afterDrain: () => Promise<void>;
}

/** The clients and the lease table, created when the settings say the worker makes it (locally). */
export async function connectConsumer(s: ConsumerSettings): Promise<ConsumerConnection> {
  const kinesis = createKinesisClient({ region: s.region, endpoint: s.kinesisEndpoint, http: s.kinesisHttp });
  const dynamo = createDynamoDbClient({ region: s.region, endpoint: s.dynamodbEndpoint });
  const table = new LeaseTable(dynamo, s.applicationName);
  if (s.createLeaseTable) await table.ensureExists();
  return { kinesis, dynamo, table };
}

/** The Coordinator's options from the settings. */
export function coordinatorOptions(s: ConsumerSettings): CoordinatorOptions {
  return {
    workerId: s.workerId,
    streamName: s.streamName,
    failoverMs: s.failoverMs,
    initialPosition: s.initialPosition,
    shardSyncIntervalMs: s.shardSyncIntervalMs,
    processorMaxAttempts: s.processorMaxAttempts,
    retryBaseMs: PROCESSOR_RETRY_BASE_MS,
    retryMaxMs: PROCESSOR_RETRY_MAX_MS,
  };
}

/** A shard's reader: SubscribeToShard through the registered consumer, or GetRecords. */
export function shardReaders(kinesis: KinesisClient, s: ConsumerSettings): ReaderFactory {
  const retrieval = s.retrieval;
  return (shardId, start) =>
    retrieval.mode === "fanout"
      ? new FanoutReader(kinesis, retrieval.consumerArn, shardId, start)
      : new PollingReader(kinesis, s.streamName, shardId, start, { idleMs: s.pollIdleMs, maxRecords: s.maxRecords });
}

/**
 * Starts the Coordinator and, first, the stop: resolves once the worker has taken its first
 * leases; a start that fails rejects (the service exits 1).
 */
export async function startConsumerApplication(
  s: ConsumerSettings,
  log: Logger,
  connection: ConsumerConnection,
  app: ConsumerApplication,
): Promise<void> {
  const { kinesis, dynamo, table } = connection;
  const coordinator = new Coordinator(
    kinesis,
    table,
    shardReaders(kinesis, s),
    app.processors,
    coordinatorOptions(s),
    app.metrics,
    app.intake,
  );
  // Handlers first: a SIGTERM while starting must still release what was taken.
  const started = coordinator.start();
  onStopSignal(async (signal) => {
    await started.catch(() => undefined);
    log.info({ signal, shards: coordinator.heldShards() }, app.drainMessage);
    await coordinator.shutdown(CONSUMER_DEFAULTS.drainTimeoutMs);
    await app.afterDrain();
    kinesis.destroy();
    dynamo.destroy();
    log.info("stopped");
    process.exit(0);
  });
  await started;
}
