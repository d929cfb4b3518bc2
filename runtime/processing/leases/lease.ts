/**
 * A lease: the right of one worker to process one shard, kept as one item of the lease
 * table. The counter goes up on every take and renewal, and every write is conditional on
 * it, so two workers can never both hold a shard: the second write fails its condition.
 */

/** The lease table's hash key: one item per shard id. */
export const LEASE_KEY = "leaseKey";

/** Where processing of a shard resumes. Sentinels before the first checkpoint; SHARD_END after the last. */
export type Checkpoint =
  | { kind: "TRIM_HORIZON" }
  | { kind: "LATEST" }
  | { kind: "SHARD_END" }
  | { kind: "SEQUENCE"; sequenceNumber: string; subSequenceNumber: number };

export interface Lease {
  /** The shard id. */
  leaseKey: string;
  /** The worker holding it; undefined when released or never taken. */
  owner?: string;
  counter: number;
  checkpoint: Checkpoint;
  /** Parent shards (two after a merge): their records come first. */
  parentShardIds: string[];
  /** How often the owner changed since the last checkpoint: a high count means the shard is stuck. */
  ownerSwitchesSinceCheckpoint: number;
}

export const TRIM_HORIZON: Checkpoint = { kind: "TRIM_HORIZON" };
export const LATEST: Checkpoint = { kind: "LATEST" };
export const SHARD_END: Checkpoint = { kind: "SHARD_END" };

export function sequenceCheckpoint(sequenceNumber: string, subSequenceNumber = 0): Checkpoint {
  return { kind: "SEQUENCE", sequenceNumber, subSequenceNumber };
}

/** Sequence numbers are decimal strings of up to 128 bits: compare as integers. */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when a user record at (sequence, sub) is at or before the checkpoint, so it was processed. */
export function isCheckpointed(checkpoint: Checkpoint, sequenceNumber: string, subSequenceNumber: number): boolean {
  if (checkpoint.kind === "SHARD_END") return true;
  if (checkpoint.kind !== "SEQUENCE") return false;
  const c = compareSequence(sequenceNumber, checkpoint.sequenceNumber);
  return c < 0 || (c === 0 && subSequenceNumber <= checkpoint.subSequenceNumber);
}
