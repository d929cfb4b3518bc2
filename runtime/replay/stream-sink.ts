/**
 * Trips straight into a Kinesis stream, as the ingest service writes them: validated against
 * the taxi-trip schema of the registry, in the Glue wire format with its version id, and
 * aggregated KPL-style by the producer the ingest service uses (runtime/ingest).
 */
import { createKinesisClient } from "../common/aws/kinesis-client";
import { INGEST_DEFAULTS, KPL_DEFAULTS } from "../ingest/defaults";
import { BackpressureError } from "../ingest/errors";
import { IngestSchema } from "../ingest/ingest-schema";
import { KinesisProducer, ProducerOptions } from "../ingest/kinesis-producer";
import { kinesisPort } from "../ingest/kinesis-port";
import { IngestMetrics } from "../ingest/metrics";
import { stdoutSink } from "../observability/emf";
import { openSchemaSource } from "../schemas/open-schema-source";
import { SkipTally } from "./skip-tally";
import { OutgoingTrip, TripSink } from "./trip-sink";
import { UsageError } from "../common/usage-error";

export const TAXI_SCHEMA = "taxi-trip";

export interface StreamTarget {
  kinesisEndpoint?: string;
  region: string;
  streamName: string;
  schemaRegistryFile: string;
  /** When set, the producer's counters go to stdout as EMF (Service "replay") this often: the local page reads them. */
  metricsIntervalMs?: number;
}

const PRODUCER_OPTIONS: ProducerOptions = {
  aggregation: true,
  ...KPL_DEFAULTS,
  // A few concurrent calls: the local emulator takes about 1,100 entries a second in all.
  maxConnections: 4,
  pendingLimitRecords: INGEST_DEFAULTS.pendingLimitRecords,
  pendingLimitBytes: INGEST_DEFAULTS.pendingLimitBytes,
  shardMapRefreshMs: INGEST_DEFAULTS.shardMapRefreshMs,
  retryBaseMs: INGEST_DEFAULTS.retryBaseMs,
  retryMaxMs: INGEST_DEFAULTS.retryMaxMs,
};
/** How long a stream may take to answer ListShards before it counts as unreachable. */
const REACH_TIMEOUT_MS = 10_000;

export async function openStreamSink(target: StreamTarget): Promise<TripSink> {
  let schema: IngestSchema;
  try {
    const source = openSchemaSource({ kind: "file", file: target.schemaRegistryFile }, target.region);
    schema = await IngestSchema.load(source, TAXI_SCHEMA, "none");
  } catch (error) {
    throw new UsageError(
      `the schema registry ${target.schemaRegistryFile} has no usable ${TAXI_SCHEMA} schema (${(error as Error).message}); allowed: a local registry file where ${TAXI_SCHEMA} is registered`,
    );
  }
  // One attempt per call: the producer retries with its own backoff and time to live.
  const client = createKinesisClient({
    region: target.region,
    endpoint: target.kinesisEndpoint,
    http: "1.1",
    maxAttempts: 1,
  });
  const producer = new KinesisProducer(kinesisPort(client, target.streamName), PRODUCER_OPTIONS);
  const where = `stream ${target.streamName} at ${target.kinesisEndpoint ?? `Kinesis in ${target.region}`}`;
  try {
    await withTimeout(producer.start(), REACH_TIMEOUT_MS);
  } catch (error) {
    client.destroy();
    throw new UsageError(`the target ${where} is unreachable (${(error as Error).message})`);
  }
  const metrics = target.metricsIntervalMs
    ? new IngestMetrics(producer, stdoutSink, target.streamName, "replay")
    : undefined;
  metrics?.start(target.metricsIntervalMs!);
  return new StreamSink(
    producer,
    schema,
    async () => {
      await metrics?.stop();
      client.destroy();
    },
    where,
  );
}

class StreamSink implements TripSink {
  stored = 0;
  readonly refused = new SkipTally();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly producer: KinesisProducer,
    private readonly schema: IngestSchema,
    private readonly release: () => Promise<void>,
    readonly description: string,
  ) {}

  async send(batch: readonly OutgoingTrip[]): Promise<void> {
    for (const { event, partitionKey } of batch) {
      if (this.schema.check(event).length > 0) {
        this.refused.add("schema");
        continue;
      }
      const data = this.schema.encode(Buffer.from(JSON.stringify(event)));
      const { ack } = await this.put({ partitionKey, data });
      const settled: Promise<void> = ack.then(
        () => void this.stored++,
        () => void this.refused.add("not-written"),
      );
      this.inFlight.add(settled);
      void settled.finally(() => this.inFlight.delete(settled));
    }
  }

  /** Waits for room when the producer's pending limit is reached, instead of dropping. */
  private async put(record: { partitionKey: string; data: Buffer }): Promise<{ ack: Promise<unknown> }> {
    for (;;) {
      try {
        return { ack: this.producer.put(record) };
      } catch (error) {
        if (!(error instanceof BackpressureError)) throw error;
        await this.producer.flush();
      }
    }
  }

  async close(): Promise<void> {
    await this.producer.close(INGEST_DEFAULTS.drainTimeoutMs);
    await Promise.allSettled([...this.inFlight]);
    await this.release();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
