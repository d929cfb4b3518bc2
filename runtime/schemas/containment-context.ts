/**
 * What the containment checks share. A check asks: does every instance that `narrow` accepts
 * fit `wide`? BACKWARD asks it with narrow = the old version, FORWARD with narrow = the new one;
 * problems are worded as the change from old to new either way.
 */

/** A JSON Schema: an object of keywords, or true (accept anything) / false (accept nothing). */
export type JsonSchema = boolean | SchemaObject;
export interface SchemaObject {
  [keyword: string]: unknown;
}

/** Where in the schema (a JSON pointer, "" for the root) and what changed. */
export interface Problem {
  pointer: string;
  change: string;
}

export interface Containment {
  /** True when `narrow` is the old version (a BACKWARD check), false when it is the new one (FORWARD). */
  narrowIsOld: boolean;
  /** The whole check, for a nested schema. */
  fits(narrow: JsonSchema, wide: JsonSchema, pointer: string): Problem[];
}

/** The old and the new schema of a pair, whichever was narrow. */
export function oldAndNew<T>(check: Containment, narrow: T, wide: T): { before: T; after: T } {
  return check.narrowIsOld ? { before: narrow, after: wide } : { before: wide, after: narrow };
}

/** A JSON pointer one level down; ~ and / in names are escaped (RFC 6901). */
export function below(pointer: string, ...tokens: string[]): string {
  return pointer + tokens.map((token) => "/" + token.replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export function asObject(schema: JsonSchema): SchemaObject {
  return schema === true ? {} : schema === false ? { not: {} } : schema;
}

// Keywords that never change which instances are valid.
const ANNOTATIONS = new Set([
  "$schema",
  "$id",
  "$comment",
  "title",
  "description",
  "default",
  "examples",
  "readOnly",
  "writeOnly",
  "contentMediaType",
  "contentEncoding",
]);

/** The schema without annotations: what decides validity. */
export function assertions(schema: JsonSchema): JsonSchema {
  if (typeof schema === "boolean") return schema;
  return Object.fromEntries(Object.entries(schema).filter(([keyword]) => !ANNOTATIONS.has(keyword)));
}

export function acceptsAnything(schema: JsonSchema): boolean {
  const kept = assertions(schema);
  return kept === true || (typeof kept === "object" && Object.keys(kept).length === 0);
}

export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "boolean" || (typeof value === "object" && value !== null && !Array.isArray(value));
}
