/**
 * A schema registry for the local stack with Glue's semantics: the first registration of a
 * name creates the schema (version 1) under a compatibility mode; each new definition becomes
 * the next version only if it passes the compatibility check under that mode; registering a
 * definition that some version already has returns that version (Glue's GetSchemaByDefinition,
 * which the AWS serializers call before registering). Version ids are random UUIDs.
 * In memory, optionally kept in a JSON file that is rewritten after each change.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { sameJson } from "./canonical-json";
import { checkCompatibility } from "./compatibility";
import { Compatibility, DEFAULT_COMPATIBILITY, parseCompatibility } from "./compatibility-mode";
import { compileSchema, SchemaDefinitionError } from "./json-validation";
import { JsonSchema } from "./schema-containment";
import { IncompatibleSchemaError, SchemaRegistryError } from "./schema-registry-errors";

export { IncompatibleSchemaError, SchemaRegistryError };

export interface SchemaVersion {
  schemaName: string;
  versionNumber: number;
  schemaVersionId: string;
  /** The definition text exactly as registered. */
  definition: string;
}

interface RegisteredSchema {
  name: string;
  compatibility: Compatibility;
  versions: SchemaVersion[];
}

export interface LocalRegistryOptions {
  /** Where to keep the registry between runs; loaded when it exists. */
  file?: string;
  newVersionId?: () => string;
}

// Glue's rule for schema names.
const SCHEMA_NAME = /^[a-zA-Z0-9\-_$#.]{1,255}$/;
const FILE_FORMAT = "kinesis-pipeline local schema registry v1";

export class LocalSchemaRegistry {
  private readonly schemas = new Map<string, RegisteredSchema>();
  private readonly byId = new Map<string, SchemaVersion>();
  private readonly newVersionId: () => string;

  constructor(private readonly options: LocalRegistryOptions = {}) {
    this.newVersionId = options.newVersionId ?? randomUUID;
    if (options.file !== undefined && existsSync(options.file)) this.load(options.file);
  }

  /**
   * Registers `definition` (JSON Schema text) under `name`: creates the schema with
   * `compatibility` (default BACKWARD), returns the version that already has this definition,
   * or adds a version when it passes the check; throws IncompatibleSchemaError with the reasons.
   */
  register(name: string, definition: string, compatibility?: Compatibility): SchemaVersion {
    if (!SCHEMA_NAME.test(name)) {
      throw new SchemaRegistryError(
        `schema name ${JSON.stringify(name)} is not allowed (allowed: 1 to 255 of a-z A-Z 0-9 - _ $ # .)`,
      );
    }
    const candidate = parseDefinition(name, definition);
    const schema = this.schemas.get(name);
    if (schema === undefined)
      return this.add({ name, compatibility: compatibility ?? DEFAULT_COMPATIBILITY, versions: [] }, definition);
    if (compatibility !== undefined && compatibility !== schema.compatibility) {
      throw new SchemaRegistryError(
        `schema ${JSON.stringify(name)} exists with compatibility ${schema.compatibility}, not ${compatibility}: a schema's mode is set when it is created`,
      );
    }
    const existing = schema.versions.find((version) => sameJson(JSON.parse(version.definition), candidate));
    if (existing !== undefined) return existing;
    const previous = schema.versions.map((version) => JSON.parse(version.definition) as JsonSchema);
    const { compatible, reasons } = checkCompatibility(previous, candidate, schema.compatibility);
    if (!compatible) throw new IncompatibleSchemaError(name, schema.versions.length + 1, schema.compatibility, reasons);
    return this.add(schema, definition);
  }

  versionById(schemaVersionId: string): SchemaVersion {
    const version = this.byId.get(schemaVersionId.toLowerCase());
    if (version === undefined) {
      throw new SchemaRegistryError(
        `no schema version has id ${JSON.stringify(schemaVersionId)} (this registry holds ${this.byId.size} versions of ${this.schemas.size} schemas)`,
      );
    }
    return version;
  }

  latest(name: string): SchemaVersion {
    return this.schemaNamed(name).versions.at(-1) as SchemaVersion;
  }

  /** The names of the registered schemas. */
  names(): string[] {
    return [...this.schemas.keys()].sort();
  }

  compatibilityOf(name: string): Compatibility {
    return this.schemaNamed(name).compatibility;
  }

  private schemaNamed(name: string): RegisteredSchema {
    const schema = this.schemas.get(name);
    if (schema === undefined) {
      const known = [...this.schemas.keys()].map((known) => JSON.stringify(known)).join(", ") || "none";
      throw new SchemaRegistryError(`no schema named ${JSON.stringify(name)} (registered: ${known})`);
    }
    return schema;
  }

  private add(schema: RegisteredSchema, definition: string): SchemaVersion {
    const version: SchemaVersion = {
      schemaName: schema.name,
      versionNumber: schema.versions.length + 1,
      schemaVersionId: this.newVersionId().toLowerCase(),
      definition,
    };
    schema.versions.push(version);
    this.schemas.set(schema.name, schema);
    this.byId.set(version.schemaVersionId, version);
    if (this.options.file !== undefined) this.save(this.options.file);
    return version;
  }

  private save(file: string): void {
    const schemas = [...this.schemas.values()].map(({ name, compatibility, versions }) => ({
      name,
      compatibility,
      versions: versions.map(({ versionNumber, schemaVersionId, definition }) => ({
        versionNumber,
        schemaVersionId,
        definition,
      })),
    }));
    // Written aside then renamed: a crash mid-write leaves the previous file whole.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ format: FILE_FORMAT, schemas }, null, 2) + "\n");
    renameSync(temporary, file);
  }

  private load(file: string): void {
    try {
      const stored = JSON.parse(readFileSync(file, "utf8"));
      if (stored.format !== FILE_FORMAT)
        throw new Error(`format is ${JSON.stringify(stored.format)}, expected "${FILE_FORMAT}"`);
      for (const { name, compatibility, versions } of stored.schemas) {
        const schema: RegisteredSchema = { name, compatibility: parseCompatibility(compatibility), versions: [] };
        for (const { versionNumber, schemaVersionId, definition } of versions) {
          const version: SchemaVersion = { schemaName: name, versionNumber, schemaVersionId, definition };
          schema.versions.push(version);
          this.byId.set(schemaVersionId, version);
        }
        this.schemas.set(name, schema);
      }
    } catch (error) {
      throw new SchemaRegistryError(`cannot load the local schema registry from ${file}: ${(error as Error).message}`);
    }
  }
}

function parseDefinition(name: string, definition: string): JsonSchema {
  let parsed: JsonSchema;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    throw new SchemaDefinitionError(
      `the definition of schema ${JSON.stringify(name)} is not JSON: ${(error as Error).message}`,
    );
  }
  compileSchema(parsed, `the definition of schema ${JSON.stringify(name)}`);
  return parsed;
}
