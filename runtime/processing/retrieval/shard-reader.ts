/**
 * Retrieval, behind one interface: a reader of one shard from a starting position, by
 * polling (GetRecords) or by enhanced fan-out (SubscribeToShard). The shard consumer does
 * not know which one it has.
 */
import { ShardIteratorType } from "@aws-sdk/client-kinesis";
import { Checkpoint } from "../leases/lease";

/** A Kinesis record as read, before de-aggregation. */
export interface StreamRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
  sequenceNumber: string;
  approximateArrivalTimestamp?: Date;
}

export interface FetchedBatch {
  records: StreamRecord[];
  millisBehindLatest?: number;
  /** The shard is closed and every record of it has been delivered. */
  shardEnded: boolean;
  /**
   * A time the reader vouches for: the batch was fetched from the stream at or after it, so
   * with MillisBehindLatest 0 every record that arrived before it was in this batch or an
   * earlier one. Unset when the reader cannot tell (an event that may have waited in a
   * fan-out connection while the consumer was busy).
   */
  fetchedAt?: Date;
}

export interface ShardReader {
  /** The next batch; may be empty. Resolves only after pacing (no busy loop). */
  read(): Promise<FetchedBatch>;
  /** Stops reading; a pending read resolves empty. */
  close(): void;
}

export type RetrievalMode = "polling" | "fanout";

/** Where a reader starts: the checkpoint itself when it is a sequence number (sub-records may remain). */
export function startingPosition(
  checkpoint: Checkpoint,
  lastDelivered?: string,
): { type: ShardIteratorType; sequenceNumber?: string } {
  if (lastDelivered !== undefined) return { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: lastDelivered };
  switch (checkpoint.kind) {
    case "TRIM_HORIZON":
      return { type: "TRIM_HORIZON" };
    case "LATEST":
      return { type: "LATEST" };
    case "SEQUENCE":
      // AT, not AFTER: an aggregate may be checkpointed half-way through its sub-records.
      return { type: "AT_SEQUENCE_NUMBER", sequenceNumber: checkpoint.sequenceNumber };
    case "SHARD_END":
      throw new Error("a shard checkpointed at SHARD_END has nothing left to read");
  }
}
