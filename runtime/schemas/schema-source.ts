/**
 * Where services get schema versions: the Glue Schema Registry on AWS, the local registry
 * file in the local stack. Producers ask for the latest version of their schema (and may
 * register theirs); consumers ask for the version a record names.
 */

export interface SchemaVersionInfo {
  schemaName: string;
  versionNumber: number;
  schemaVersionId: string;
  /** The JSON Schema text as registered. */
  definition: string;
}

export interface SchemaSource {
  latest(schemaName: string): Promise<SchemaVersionInfo>;
  /** The version with this id, or undefined when the registry has none. */
  byId(schemaVersionId: string): Promise<SchemaVersionInfo | undefined>;
  /** Registers `definition` as the next version (or finds it when registered): auto-registration. */
  register(schemaName: string, definition: string): Promise<SchemaVersionInfo>;
}

/**
 * How long an id the registry did not know is answered "unknown" without asking again: a
 * stream of records naming an unknown version (a producer writing to the wrong registry)
 * would otherwise cost one registry call per record, and Glue throttles. Short, so a
 * version the registry shows late (its reads are eventually consistent) is found soon.
 */
export const SCHEMA_MISS_TTL_MS = 30_000;

/**
 * Versions never change once registered, so a version looked up by id is kept; both caches
 * are bounded (oldest out first) so a stream of unknown ids cannot grow them without end.
 * Misses are kept for SCHEMA_MISS_TTL_MS (or the reader's own) only: a version registered later must be found.
 */
export class CachedSchemaSource implements SchemaSource {
  private readonly cache = new Map<string, SchemaVersionInfo>();
  /** Ids the registry did not know, with when it said so. */
  private readonly misses = new Map<string, number>();

  constructor(
    private readonly source: SchemaSource,
    private readonly maxEntries = 256,
    private readonly now: () => number = Date.now,
    /** A reader that spaces its own lookups (the lake's retried batch) may ask sooner. */
    private readonly missTtlMs = SCHEMA_MISS_TTL_MS,
  ) {}

  latest(schemaName: string): Promise<SchemaVersionInfo> {
    return this.source.latest(schemaName).then((v) => this.keep(v));
  }

  async byId(schemaVersionId: string): Promise<SchemaVersionInfo | undefined> {
    const hit = this.cache.get(schemaVersionId);
    if (hit) return hit;
    const missedAt = this.misses.get(schemaVersionId);
    if (missedAt !== undefined && this.now() - missedAt < this.missTtlMs) return undefined;
    const found = await this.source.byId(schemaVersionId);
    this.misses.delete(schemaVersionId);
    if (found) return this.keep(found);
    this.newest(this.misses, schemaVersionId, this.now());
    return undefined;
  }

  register(schemaName: string, definition: string): Promise<SchemaVersionInfo> {
    return this.source.register(schemaName, definition).then((v) => this.keep(v));
  }

  get size(): number {
    return this.cache.size;
  }

  private keep(version: SchemaVersionInfo): SchemaVersionInfo {
    this.newest(this.cache, version.schemaVersionId, version);
    return version;
  }

  /** Puts `key` last (the newest) in `map`, dropping the oldest past `maxEntries`. */
  private newest<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.maxEntries) map.delete(map.keys().next().value!);
  }
}
