/**
 * A lake table's columns from the record's JSON Schema (the version in the registry): the
 * one mapping from JSON Schema types to the lake's column types, which Parquet
 * (parquet-object.ts) and Glue (glueType) both follow, so what the writer stores is what the
 * table says. Column names are snake_case: Athena folds names to lower case
 * (https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html), so
 * `pickupTime` would read as `pickuptime`; `pickup_time` reads as written.
 */
export type ColumnType =
  | { kind: "string" }
  | { kind: "bigint" }
  | { kind: "double" }
  | { kind: "boolean" }
  | { kind: "timestamp" }
  /** A value without a fixed shape (no type, a union, an object without properties): JSON text. */
  | { kind: "json" }
  | { kind: "struct"; fields: Column[] }
  | { kind: "array"; items: ColumnType };

export interface Column {
  /** As the table names it. */
  name: string;
  /** The property of the record's data it is read from. */
  source: string;
  type: ColumnType;
}

export class SchemaColumnsError extends Error {}

/** `pickupTime` -> `pickup_time`, `trip-id` -> `trip_id`. */
export function columnName(property: string): string {
  const name = property
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .toLowerCase()
    .replace(/^_+|_+$/g, "");
  if (name === "")
    throw new SchemaColumnsError(`property ${JSON.stringify(property)} has no letter or digit for a column name`);
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

type JsonSchema = { [k: string]: unknown };

/** The non-null type a schema names: `"integer"`, or `["integer", "null"]` read as an optional integer. */
function singleType(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const named = t.filter((x) => x !== "null");
    return named.length === 1 && typeof named[0] === "string" ? named[0] : undefined;
  }
  return undefined;
}

export function columnTypeOf(schema: unknown): ColumnType {
  if (typeof schema !== "object" || schema === null) return { kind: "json" };
  const s = schema as JsonSchema;
  switch (singleType(s)) {
    case "string":
      return { kind: "string" };
    case "integer":
      return { kind: "bigint" };
    case "number":
      return { kind: "double" };
    case "boolean":
      return { kind: "boolean" };
    case "array":
      return s.items && typeof s.items === "object" && !Array.isArray(s.items)
        ? { kind: "array", items: columnTypeOf(s.items) }
        : { kind: "json" };
    case "object": {
      const props = s.properties;
      if (!props || typeof props !== "object" || Object.keys(props).length === 0) return { kind: "json" };
      return { kind: "struct", fields: columnsOfProperties(props as Record<string, unknown>, "") };
    }
    default:
      return { kind: "json" };
  }
}

function columnsOfProperties(props: Record<string, unknown>, where: string): Column[] {
  const columns = Object.entries(props).map(([source, sub]) => ({
    name: columnName(source),
    source,
    type: columnTypeOf(sub),
  }));
  const seen = new Map<string, string>();
  for (const c of columns) {
    const other = seen.get(c.name);
    if (other !== undefined) {
      throw new SchemaColumnsError(
        `properties ${JSON.stringify(other)} and ${JSON.stringify(c.source)}${where} both become column ${c.name}: rename one`,
      );
    }
    seen.set(c.name, c.source);
  }
  return columns;
}

/** The data columns of a record schema: its top-level properties. */
export function dataColumns(definition: string | object): Column[] {
  const schema = typeof definition === "string" ? (JSON.parse(definition) as unknown) : definition;
  const type = columnTypeOf(schema);
  if (type.kind !== "struct") {
    throw new SchemaColumnsError("a lake table's schema must be an object with properties (type: object)");
  }
  return type.fields;
}

/** The column type as a Glue table declares it (Hive DDL types, which Athena reads). */
export function glueType(type: ColumnType): string {
  switch (type.kind) {
    case "string":
    case "json":
      return "string";
    case "bigint":
    case "double":
    case "boolean":
    case "timestamp":
      return type.kind;
    case "array":
      return `array<${glueType(type.items)}>`;
    case "struct":
      return `struct<${type.fields.map((f) => `${f.name}:${glueType(f.type)}`).join(",")}>`;
  }
}

/**
 * The column type as a view's definition names it (Trino's type names, which Athena's views
 * store: https://docs.aws.amazon.com/athena/latest/ug/data-types.html, the DML column).
 * Athena engine version 3 reads a Parquet timestamp with millisecond precision, which Trino
 * names timestamp(3) (https://docs.aws.amazon.com/athena/latest/ug/engine-versions-reference-0003.html,
 * "Timestamp changes"); the writer stores milliseconds too (parquet-object.ts).
 */
export function prestoType(type: ColumnType): string {
  switch (type.kind) {
    case "string":
    case "json":
      return "varchar";
    case "bigint":
    case "double":
    case "boolean":
      return type.kind;
    case "timestamp":
      return "timestamp(3)";
    case "array":
      return `array(${prestoType(type.items)})`;
    case "struct":
      return `row(${type.fields.map((f) => `${f.name} ${prestoType(f.type)}`).join(", ")})`;
  }
}
