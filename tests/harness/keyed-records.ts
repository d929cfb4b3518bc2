/**
 * Records with a known order, written the way the ingest service writes them: the real
 * KinesisProducer (KPL aggregates) over the real Kinesis port. Each record's data is
 * `{"key":"key-07","n":12}` under partition key `key-07`, and `n` counts up per key.
 *
 * Records go out in rounds: one record per key, and the next round only once Kinesis
 * acknowledged the whole previous one. So for every key the stream holds n in increasing
 * order, whatever the producer's retries and concurrent calls do inside a round.
 */
import { KinesisClient } from "@aws-sdk/client-kinesis";

import { KinesisProducer, ProducerOptions } from "../../runtime/ingest/kinesis-producer";
import { kinesisPort } from "../../runtime/ingest/kinesis-port";

/** A user record as the producer acknowledged it: what it is and where Kinesis stored it. */
export interface WrittenRecord {
  key: string;
  n: number;
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
}

/** The data of a record, as the processed file shows it. */
export interface KeyedData {
  key: string;
  n: number;
}

/** KPL batching, with a short buffering time so that a round is written at once. */
const PRODUCER_OPTIONS: ProducerOptions = {
  aggregation: true,
  aggregationMaxSize: 51_200,
  recordMaxBufferedTimeMs: 20,
  collectionMaxCount: 500,
  collectionMaxSize: 5 * 1024 * 1024,
  recordTtlMs: 30_000,
  maxConnections: 4,
  pendingLimitRecords: 100_000,
  pendingLimitBytes: 64 * 1024 * 1024,
  shardMapRefreshMs: 60_000,
  retryBaseMs: 100,
  retryMaxMs: 1_000,
};

export function keyName(i: number): string {
  return `key-${String(i).padStart(2, "0")}`;
}

export class KeyedRecordWriter {
  private readonly acknowledged: WrittenRecord[] = [];
  private readonly keys: string[];
  private nextN = 0;
  private flowing?: Promise<void>;
  private stopFlowingRequested = false;

  private constructor(
    private readonly producer: KinesisProducer,
    keyCount: number,
  ) {
    this.keys = Array.from({ length: keyCount }, (_, i) => keyName(i));
  }

  /** A writer for `keyCount` keys; `client` must speak HTTP/1.1 to kinesis-local. */
  static async start(client: KinesisClient, streamName: string, keyCount: number): Promise<KeyedRecordWriter> {
    const producer = new KinesisProducer(kinesisPort(client, streamName), PRODUCER_OPTIONS);
    await producer.start();
    return new KeyedRecordWriter(producer, keyCount);
  }

  /** Every record Kinesis acknowledged so far. */
  get written(): readonly WrittenRecord[] {
    return this.acknowledged;
  }

  /** Rounds written so far: each key has n = 0 .. rounds - 1. */
  get rounds(): number {
    return this.nextN;
  }

  /** Writes `count` rounds, one after the other. */
  async writeRounds(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.writeRound();
  }

  /** Writes a round every `intervalMs` in the background, until `stopFlowing`. */
  startFlowing(intervalMs: number): void {
    if (this.flowing) throw new Error("already flowing");
    this.stopFlowingRequested = false;
    this.flowing = (async () => {
      while (!this.stopFlowingRequested) {
        const started = Date.now();
        await this.writeRound();
        await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
      }
    })();
    // A failed round ends the flow; stopFlowing rethrows it (not an unhandled rejection meanwhile).
    this.flowing.catch(() => undefined);
  }

  /** Stops the background rounds after the one in hand; rethrows a failure of any of them. */
  async stopFlowing(): Promise<void> {
    this.stopFlowingRequested = true;
    const flowing = this.flowing;
    this.flowing = undefined;
    await flowing;
  }

  /** Stops writing; records not yet acknowledged are given up. */
  async close(): Promise<void> {
    this.stopFlowingRequested = true;
    await this.flowing?.catch(() => undefined);
    await this.producer.close(5_000);
  }

  private async writeRound(): Promise<void> {
    const n = this.nextN;
    const acks = this.producer.putAll(
      this.keys.map((key) => ({
        partitionKey: key,
        data: Buffer.from(JSON.stringify({ key, n } satisfies KeyedData)),
      })),
    );
    this.producer.flush().catch(() => undefined);
    const stored = await Promise.all(acks);
    stored.forEach((ack, i) => this.acknowledged.push({ key: this.keys[i], n, ...ack }));
    this.nextN++;
  }
}
