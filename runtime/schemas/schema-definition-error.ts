/** A schema definition that cannot be used (not JSON, not a draft-07 JSON Schema); the message names the schema. */
export class SchemaDefinitionError extends Error {
  override name = "SchemaDefinitionError";
}
