/**
 * A shard's progress in the lake, as its writer publishes it (`progress/<shardId>.json`) and
 * the compactor reads it: every record of the shard that reached the stream before
 * `storedBefore` is in a stored segment (its objects written, its checkpoint passed). The
 * compactor merges an hour only once every shard's progress is past it (compaction/), so
 * no row of a merged hour can still be on its way. A statement that was true when written
 * stays true (stored objects never go away while their hour is read from them), so an old
 * object, even one a writer that lost its lease wrote last, only ever says too little.
 */
export interface ShardProgress {
  shardId: string;
  /** ISO time: every record that arrived before it is stored; null when nothing is known yet. */
  storedBefore: string | null;
  /** The shard was read to its end and everything of it is stored (after a reshard). */
  shardEnded: boolean;
  /** When the writer wrote this object (for the logs and the compactor's lag). */
  writtenAt: string;
}

export class ShardProgressError extends Error {}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export function progressBody(progress: ShardProgress): string {
  return `${JSON.stringify(progress)}\n`;
}

/** A progress object's body, checked field by field: a malformed one is an error, never a guess. */
export function parseProgress(text: string): ShardProgress {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ShardProgressError(`a shard progress object is JSON, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  const v = value as Partial<ShardProgress> | null;
  if (
    typeof v !== "object" ||
    v === null ||
    typeof v.shardId !== "string" ||
    !(v.storedBefore === null || (typeof v.storedBefore === "string" && ISO.test(v.storedBefore))) ||
    typeof v.shardEnded !== "boolean" ||
    typeof v.writtenAt !== "string" ||
    !ISO.test(v.writtenAt)
  ) {
    throw new ShardProgressError(
      `a shard progress object is {shardId, storedBefore: ISO time or null, shardEnded: boolean, writtenAt: ISO time}, got ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  return { shardId: v.shardId, storedBefore: v.storedBefore, shardEnded: v.shardEnded, writtenAt: v.writtenAt };
}
