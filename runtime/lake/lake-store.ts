/**
 * What the lake writer needs of its bucket: create an object only when its key is free (the
 * conditional write that makes a second writer of a key harmless: EXACTLY-ONCE.md), overwrite
 * a shard's progress, and read one back. The S3 adapter is s3-lake-store.ts; tests use an in-memory one.
 */
export type PutOutcome = "written" | "exists";

export interface LakeStore {
  /** Stores `body` under `key` unless an object has that key: "exists" then, and nothing changes. */
  putIfAbsent(key: string, body: Uint8Array, contentType: string): Promise<PutOutcome>;
  /**
   * Stores `body` under `key` whatever is there: for an object that only ever says more than
   * the one it replaces, and says nothing false when an older write lands last (a shard's
   * progress: progress.ts).
   */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
}

export class MemoryLakeStore implements LakeStore {
  readonly objects = new Map<string, Buffer>();

  async putIfAbsent(key: string, body: Uint8Array): Promise<PutOutcome> {
    if (this.objects.has(key)) return "exists";
    this.objects.set(key, Buffer.from(body));
    return "written";
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    this.objects.set(key, Buffer.from(body));
  }

  async get(key: string): Promise<Buffer | undefined> {
    return this.objects.get(key);
  }
}
