/**
 * What the compactor needs of the lake's bucket: listings (the prefixes under one, with "/" as
 * the delimiter; the objects under one, with their sizes), reads, the conditional write of a
 * part (only when its key is free), the state's conditional replace (only over the version it
 * read: S3's ETag), and the tag that lets the lifecycle expire a segment object. The S3
 * adapter is s3-compaction-store.ts; tests use MemoryCompactionStore.
 */
import { PutOutcome } from "../lake-store";
import { ListedObject } from "./part-plan";

/** An object's body and the ETag S3 gave this version of it. */
export interface VersionedObject {
  body: Buffer;
  etag: string;
}

/** "written" with the new version's ETag, or "conflict": the object is no longer the version expected. */
export type ReplaceOutcome = { outcome: "written"; etag: string } | { outcome: "conflict" };

export type TagOutcome = "tagged" | "gone";

export interface CompactionStore {
  /** The prefixes one level below `prefix` (each ends in "/"), sorted. */
  listPrefixes(prefix: string): Promise<string[]>;
  /** Every object under `prefix` (at any depth), sorted by key. */
  listObjects(prefix: string): Promise<ListedObject[]>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** The object and its ETag, or undefined when there is none. */
  getVersioned(key: string): Promise<VersionedObject | undefined>;
  /** Stores `body` under `key` unless an object has that key: "exists" then, and nothing changes. */
  putIfAbsent(key: string, body: Uint8Array, contentType: string): Promise<PutOutcome>;
  /** Replaces `key` only if it is still the version `etag` names; `etag` undefined: only if there is none. */
  replaceIf(key: string, body: Uint8Array, contentType: string, etag: string | undefined): Promise<ReplaceOutcome>;
  /**
   * Sets the object's tags to exactly this one tag: "tagged", or "gone" when there is no such
   * object any more (the lifecycle or retention removed it: nothing left to expire).
   */
  tag(key: string, tag: { key: string; value: string }): Promise<TagOutcome>;
}

/** The bucket in memory, for tests: the same answers as S3 gives (sorted listings, ETags per version). */
export class MemoryCompactionStore implements CompactionStore {
  readonly objects = new Map<string, { body: Buffer; etag: string; tags: Record<string, string>; modified: number }>();
  private versions = 0;

  /** `clock`: when each write happens (S3's LastModified); a test moves it. */
  constructor(readonly clock: () => number = Date.now) {}

  private sortedKeys(prefix: string): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    const below = new Set<string>();
    for (const key of this.sortedKeys(prefix)) {
      const slash = key.indexOf("/", prefix.length);
      if (slash >= 0) below.add(key.slice(0, slash + 1));
    }
    return [...below].sort();
  }

  async listObjects(prefix: string): Promise<ListedObject[]> {
    return this.sortedKeys(prefix).map((key) => {
      const o = this.objects.get(key)!;
      return { key, size: o.body.length, lastModified: o.modified };
    });
  }

  async get(key: string): Promise<Buffer | undefined> {
    return this.objects.get(key)?.body;
  }

  async getVersioned(key: string): Promise<VersionedObject | undefined> {
    const o = this.objects.get(key);
    return o && { body: o.body, etag: o.etag };
  }

  /** Stores unconditionally (a test's own set-up, the writer's progress): at once, before its promise settles. */
  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.set(key, body);
  }

  private set(key: string, body: Uint8Array | string): void {
    this.objects.set(key, { body: Buffer.from(body), etag: `"${++this.versions}"`, tags: {}, modified: this.clock() });
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<PutOutcome> {
    if (this.objects.has(key)) return "exists";
    this.set(key, body);
    return "written";
  }

  async replaceIf(key: string, body: Uint8Array, _type: string, etag: string | undefined): Promise<ReplaceOutcome> {
    if (this.objects.get(key)?.etag !== etag) return { outcome: "conflict" };
    this.set(key, body);
    return { outcome: "written", etag: this.objects.get(key)!.etag };
  }

  async tag(key: string, tag: { key: string; value: string }): Promise<TagOutcome> {
    const o = this.objects.get(key);
    if (!o) return "gone";
    o.tags = { [tag.key]: tag.value };
    return "tagged";
  }
}
