/** What a schema registry refuses; each message names the schema or id and what is allowed. */
import { Compatibility } from "./compatibility-mode";

export class SchemaRegistryError extends Error {
  override name = "SchemaRegistryError";
}

/** A new version that breaks the schema's compatibility mode; `reasons` says where and how. */
export class IncompatibleSchemaError extends SchemaRegistryError {
  override name = "IncompatibleSchemaError";
  constructor(
    readonly schemaName: string,
    readonly versionNumber: number,
    readonly compatibility: Compatibility,
    readonly reasons: string[],
  ) {
    super(
      `schema ${JSON.stringify(schemaName)}: version ${versionNumber} is refused, it is not ${compatibility} compatible: ${reasons.join("; ")}`,
    );
  }
}
