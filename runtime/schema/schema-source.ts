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
 * Versions never change once registered, so a version looked up by id is kept; the cache
 * is bounded (oldest out first) so a stream of unknown ids cannot grow it without end.
 * Misses are not cached: a version registered later must be found.
 */
export class CachedSchemaSource implements SchemaSource {
  private readonly cache = new Map<string, SchemaVersionInfo>();

  constructor(
    private readonly source: SchemaSource,
    private readonly maxEntries = 256,
  ) {}

  latest(schemaName: string): Promise<SchemaVersionInfo> {
    return this.source.latest(schemaName).then((v) => this.keep(v));
  }

  async byId(schemaVersionId: string): Promise<SchemaVersionInfo | undefined> {
    const hit = this.cache.get(schemaVersionId);
    if (hit) return hit;
    const found = await this.source.byId(schemaVersionId);
    return found && this.keep(found);
  }

  register(schemaName: string, definition: string): Promise<SchemaVersionInfo> {
    return this.source.register(schemaName, definition).then((v) => this.keep(v));
  }

  get size(): number {
    return this.cache.size;
  }

  private keep(version: SchemaVersionInfo): SchemaVersionInfo {
    this.cache.delete(version.schemaVersionId);
    this.cache.set(version.schemaVersionId, version);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    return version;
  }
}
