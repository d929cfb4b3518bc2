/**
 * What the schema registry's setup function asks of the registry, by schema name and version
 * number: Glue on AWS (glue-registry-port.ts), a stand-in in the tests.
 */

/** Glue's version states: a new version is PENDING until its compatibility check ends. */
export type VersionStatus = "AVAILABLE" | "PENDING" | "FAILURE" | "DELETING";

export interface RegistryVersion {
  versionNumber: number;
  schemaVersionId: string;
  status: VersionStatus;
  /** The definition text as registered (empty when Glue answers none). */
  definition: string;
}

export type Deletion = { deleted: true } | { deleted: false; error: string };

export interface SchemaRegistryPort {
  /** The schema's latest version, whatever its status (a refused version is the latest until deleted). */
  latest(schema: string): Promise<RegistryVersion>;
  /** A version by number, or undefined when the schema has none (never registered, or deleted). */
  version(schema: string, versionNumber: number): Promise<RegistryVersion | undefined>;
  /** Whether the registry takes `definition` as a JSON Schema at all, and its words when not. */
  validity(definition: string): Promise<{ valid: true } | { valid: false; error: string }>;
  /** Registers `definition` as the next version, or answers the version that already holds it. */
  register(schema: string, definition: string): Promise<RegistryVersion>;
  /** The registry's difference between two versions (Glue: JSON Patch, from `from` to `to`). */
  diff(schema: string, from: number, to: number): Promise<string>;
  deleteVersion(schema: string, versionNumber: number): Promise<Deletion>;
  /** A version's metadata: every value of each key. */
  metadata(schema: string, versionNumber: number): Promise<Record<string, string[]>>;
  putMetadata(schema: string, versionNumber: number, key: string, value: string): Promise<void>;
}
