/**
 * The lake's tables and the columns every row carries: one table per schema in the registry,
 * one generic table for records without a schema, and where each record's place and tenant
 * are kept. Glue (infra/lake) and the local query engine declare the same tables.
 */
import { Column, ColumnType, columnName, dataColumns } from "./columns";

/** Records written without a schema: their data as JSON text. */
export const GENERIC_TABLE = "records";
/** The dead letters' table (JSON lines, not Parquet). */
export const DEAD_LETTER_TABLE = "dead_letters";

/** Partition columns, from the object's path (object-keys.ts), in this order. */
export const PARTITION_COLUMNS = [
  { name: "tenant", glue: "string" },
  { name: "date", glue: "string" },
  { name: "hour", glue: "string" },
] as const;

const col = (name: string, type: ColumnType): Column => ({ name, source: name, type });

/** Where a row came from: its place in the stream (one row per place, so a duplicate shows). */
export const RECORD_COLUMNS: readonly Column[] = [
  col("arrival_time", { kind: "timestamp" }),
  col("partition_key", { kind: "string" }),
  col("shard_id", { kind: "string" }),
  col("sequence_number", { kind: "string" }),
  col("sub_sequence_number", { kind: "bigint" }),
];

export const SCHEMA_VERSION_COLUMN = col("schema_version", { kind: "bigint" });
export const DATA_COLUMN = col("data", { kind: "string" });

/** A schema's table name: `taxi-trip` -> `taxi_trip`; never the generic table's. */
export function schemaTableName(schemaName: string): string {
  const name = columnName(schemaName);
  return name === GENERIC_TABLE || name === DEAD_LETTER_TABLE ? `${name}_schema` : name;
}

/** The columns of a schema version's objects, in order: the record's place, its version, its data. */
export function schemaTableColumns(definition: string | object): Column[] {
  const data = dataColumns(definition);
  const reserved = new Set([...RECORD_COLUMNS, SCHEMA_VERSION_COLUMN].map((c) => c.name));
  for (const p of PARTITION_COLUMNS) reserved.add(p.name);
  const clash = data.find((c) => reserved.has(c.name));
  if (clash) {
    throw new Error(
      `property ${JSON.stringify(clash.source)} becomes column ${clash.name}, which the lake keeps for itself (${[...reserved].join(", ")})`,
    );
  }
  return [...RECORD_COLUMNS, SCHEMA_VERSION_COLUMN, ...data];
}

export const GENERIC_TABLE_COLUMNS: readonly Column[] = [...RECORD_COLUMNS, DATA_COLUMN];

/**
 * The table's columns across versions, for Glue: every column of the newest version, then
 * columns that only older versions had (a compatible change adds optional fields; old
 * objects lack the new columns and read them as NULL, Parquet being read by name).
 */
export function tableColumnsAcrossVersions(versions: readonly Column[][]): Column[] {
  const out: Column[] = [];
  const seen = new Set<string>();
  for (const columns of [...versions].reverse()) {
    for (const c of columns) {
      if (seen.has(c.name)) continue;
      seen.add(c.name);
      out.push(c);
    }
  }
  return out;
}
