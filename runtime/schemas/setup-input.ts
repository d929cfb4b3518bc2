/**
 * What the stack hands the schema registry's setup function at each `pulumi up`
 * (infra/schemas/schema-registry.ts builds it from schemas/ and git; runtime/schemas/setup.ts acts on
 * it), and the version metadata the function records: where each version came from.
 */
import { Compatibility, parseCompatibility } from "./compatibility-mode";

/** Where a schema file's text came from, as the program saw it at `pulumi up`. */
export interface SchemaProvenance {
  /** The file, relative to the repository: "schemas/taxi-trip.json". */
  file: string;
  /** SHA-256 of the file's bytes, hex. */
  fileSha256: string;
  /** The last commit that changed the file; UNCOMMITTED when the work tree differs; UNKNOWN outside git. */
  commit: string;
}

export const UNCOMMITTED = "uncommitted";
export const UNKNOWN_COMMIT = "unknown";

export interface SchemaToSetUp {
  /** The schema's name in the registry (the file name without .json). */
  name: string;
  /** The file's text: the definition the latest version must hold. */
  definition: string;
  provenance: SchemaProvenance;
}

export interface SchemaSetupInput {
  registryName: string;
  /** The mode the stack gives every schema (schemaCompatibility). */
  compatibility: Compatibility;
  schemas: SchemaToSetUp[];
}

/** The version metadata keys of a version's provenance (`aws glue query-schema-version-metadata`). */
export const PROVENANCE_KEYS = {
  file: "source-file",
  fileSha256: "source-sha256",
  commit: "source-commit",
} as const satisfies Record<keyof SchemaProvenance, string>;

/**
 * What a metadata key or value may hold: 1 to 128 (key) or 256 (value) of these characters
 * (Glue API reference, MetadataKeyValuePair). `+-=` is a range there: + , - . / 0-9 : ; < =.
 */
export const METADATA_TEXT = /^[a-zA-Z0-9+-=._./@]+$/;
export const METADATA_VALUE_MAX = 256;

/** A version's provenance as metadata pairs, in a fixed order; fails naming a value Glue would refuse. */
export function provenanceMetadata(provenance: SchemaProvenance): [key: string, value: string][] {
  const pairs = (Object.keys(PROVENANCE_KEYS) as (keyof SchemaProvenance)[]).map((field): [string, string] => [
    PROVENANCE_KEYS[field],
    provenance[field],
  ]);
  for (const [key, value] of pairs) {
    if (!METADATA_TEXT.test(value) || value.length > METADATA_VALUE_MAX) {
      throw new RangeError(
        `version metadata ${key}=${JSON.stringify(value)} is not allowed (allowed: 1 to ${METADATA_VALUE_MAX} of a-z A-Z 0-9 and + , - . / : ; < = _ @)`,
      );
    }
  }
  return pairs;
}

/** The event as the function receives it, checked: a wrong shape names the field. */
export function readSetupInput(event: unknown): SchemaSetupInput {
  const input = event as Partial<SchemaSetupInput> | undefined;
  if (typeof input?.registryName !== "string" || input.registryName === "") {
    throw new TypeError(`the setup input needs registryName (a string), got ${JSON.stringify(input?.registryName)}`);
  }
  if (!Array.isArray(input.schemas)) {
    throw new TypeError(`the setup input needs schemas (an array), got ${JSON.stringify(input.schemas)}`);
  }
  for (const schema of input.schemas) {
    const s = schema as Partial<SchemaToSetUp>;
    if (typeof s.name !== "string" || typeof s.definition !== "string" || typeof s.provenance?.file !== "string") {
      throw new TypeError(
        `each schema of the setup input needs name, definition and provenance, got ${JSON.stringify(s)}`,
      );
    }
    provenanceMetadata(s.provenance);
  }
  return {
    registryName: input.registryName,
    compatibility: parseCompatibility(String(input.compatibility)),
    schemas: input.schemas,
  };
}
