/**
 * The record processor contract, as the KCL's: one processor per shard lease, told when it
 * starts, handed records with a checkpointer, and told how its lease ends. Processors are
 * pluggable: PROCESSOR_MODULE names a module whose default export is a RecordProcessorFactory.
 */
import { Checkpoint } from "./leases/lease";

/** A user record as a processor sees it: de-aggregated, with its place in the shard. */
export interface ConsumerRecord {
  shardId: string;
  /**
   * The tenant that wrote it, from the credential ingest authenticated (its partition key's
   * prefix: runtime/stream/tenant-key.ts); UNTENANTED ("untenanted") for a record written
   * before tenants existed. Clients cannot forge it.
   */
  tenant: string;
  /** As stored: the tenant's prefix, then the key the client sent (clientKeyOf gives that back). */
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
  sequenceNumber: string;
  /** Set for a sub-record of a KPL aggregate: its index in the aggregate. */
  subSequenceNumber?: number;
  approximateArrivalTimestamp?: Date;
  /**
   * Set, instead of de-aggregating, on a Kinesis record that has the KPL magic but whose MD5
   * or protobuf does not check out: why (AggregationError's message). `data` is then the
   * Kinesis record's bytes, whole, and there is no sub-sequence number. Only processors that
   * ask for such records get them (RecordIntake.corruptAggregates); others never see one.
   */
  corruptAggregate?: string;
  /** For a record written in the schema registry's wire format: the schema version it names. */
  schema?: { schemaName: string; versionNumber: number; schemaVersionId: string };
  /** For such a record: its data, parsed (data then holds the JSON payload without the header). */
  value?: unknown;
}

export interface Checkpointer {
  /** Records progress up to and including the last record handed to the processor. */
  checkpoint(): Promise<void>;
  /** Records progress up to and including this record. */
  checkpointAt(record: Pick<ConsumerRecord, "sequenceNumber" | "subSequenceNumber">): Promise<void>;
}

export interface ShardEndCheckpointer {
  /** Marks the shard done (SHARD_END), so its children may start. shardEnded must call it. */
  checkpoint(): Promise<void>;
}

export interface RecordProcessor {
  initialize(input: { shardId: string; checkpoint: Checkpoint }): Promise<void> | void;
  processRecords(input: {
    shardId: string;
    records: ConsumerRecord[];
    millisBehindLatest?: number;
    checkpointer: Checkpointer;
  }): Promise<void> | void;
  /**
   * Optional: a read at the shard's tip (MillisBehindLatest 0) returned nothing to process,
   * so every record that arrived before `readAt` was handed over before it. `readAt` is the
   * time the reader vouches for (FetchedBatch.fetchedAt: before its GetRecords call, or a
   * fan-out subscription's start for its first event); without one, no call. Not called for
   * a batch with records, one behind the tip, or the shard's last read.
   * The lake writer publishes its shard's progress here (lake/progress-rule.ts).
   */
  caughtUp?(input: { shardId: string; readAt: Date }): Promise<void> | void;
  /** Another worker holds the lease now: stop, do not checkpoint (it would fail anyway). */
  leaseLost(input: { shardId: string }): Promise<void> | void;
  /** Every record of the shard was processed: checkpoint so the children can start. */
  shardEnded(input: { shardId: string; checkpointer: ShardEndCheckpointer }): Promise<void> | void;
  /** The worker is shutting down: checkpoint what was processed; the lease is released after. */
  shutdownRequested(input: { shardId: string; checkpointer: Checkpointer }): Promise<void> | void;
}

export type RecordProcessorFactory = (shardId: string) => RecordProcessor;
