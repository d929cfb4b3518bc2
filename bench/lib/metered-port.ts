/**
 * A KinesisPort wrapper that counts what reaches Kinesis (PutRecords calls, Kinesis
 * records, bytes) and how long at least one PutRecords call was in flight. That busy time
 * is the part of a run spent waiting for the backend (the emulator, or a fake's simulated
 * latency), which is how a benchmark separates the backend's cost from the producer's.
 */
import { KinesisPort, PutEntry, PutResult } from "../../runtime/ingest/kinesis-port";
import { ShardMap } from "../../runtime/stream/shard-map";

export interface PortCounts {
  putRecordsCalls: number;
  kinesisRecords: number;
  /** Data plus partition keys, as PutRecords counts them. */
  bytes: number;
  failedEntries: number;
  /** Milliseconds with at least one PutRecords call in flight. */
  busyMs: number;
}

export class MeteredPort implements KinesisPort {
  counts: PortCounts = { putRecordsCalls: 0, kinesisRecords: 0, bytes: 0, failedEntries: 0, busyMs: 0 };
  private inFlight = 0;
  private busySince = 0;

  constructor(private readonly inner: KinesisPort) {}

  shardMap(): Promise<ShardMap> {
    return this.inner.shardMap();
  }

  async putRecords(entries: PutEntry[]): Promise<PutResult[]> {
    this.counts.putRecordsCalls++;
    this.counts.kinesisRecords += entries.length;
    this.counts.bytes += entries.reduce((n, e) => n + e.data.length + Buffer.byteLength(e.partitionKey), 0);
    if (this.inFlight++ === 0) this.busySince = performance.now();
    try {
      const results = await this.inner.putRecords(entries);
      this.counts.failedEntries += results.filter((r) => !r.ok).length;
      return results;
    } finally {
      if (--this.inFlight === 0) this.counts.busyMs += performance.now() - this.busySince;
    }
  }
}
