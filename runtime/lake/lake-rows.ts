/**
 * What one record becomes in the lake: a row of its schema's table, a row of the generic
 * table (no schema), or a dead letter with its reason (a corrupt KPL aggregate is one, whole:
 * the consumer hands it on as one record). Decided by the record's bytes and the
 * schema version it names alone, so every read of the record decides the same
 * (EXACTLY-ONCE.md); a version the registry does not know is the one exception, and it is
 * not decided at all (UnknownSchemaVersionError: the batch is retried).
 */
import { ConsumerRecord } from "../processing/record-processor";
import { SchemaVersionInfo } from "../schemas/schema-source";
import { SchemaWireError } from "../schemas/schema-wire-error";
import { decode } from "../schemas/wire-format";
import { Column, ColumnType } from "./columns";
import { GENERIC_TABLE, GENERIC_TABLE_COLUMNS, schemaTableColumns, schemaTableName } from "./lake-tables";
import { TimePartition, timePartitionOf } from "./object-keys";
import { Position, positionOf } from "./position";

export type CellValue =
  string | bigint | number | boolean | Date | null | CellValue[] | { [column: string]: CellValue };
export type Row = { [column: string]: CellValue };

export interface LakeDeadLetter {
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber: number;
  partitionKey: string;
  arrivalTime: string;
  reason: string;
  /** The record's bytes, base64. */
  data: string;
}

interface ItemPlace {
  position: Position;
  tenant: string;
  time: TimePartition;
  /** When its record reached the stream (the writer's oldest unstored record, for the metrics). */
  arrival: Date;
  /** Bytes of data it holds in the writer's buffer (for the roll by size). */
  bytes: number;
}

export type LakeItem = ItemPlace &
  (
    | { kind: "row"; table: string; version?: number; columns: readonly Column[]; row: Row }
    | { kind: "dead"; letter: LakeDeadLetter }
  );

/** How a dead letter's reason starts for a Kinesis record with the KPL magic that cannot be unpacked. */
export const CORRUPT_AGGREGATE_REASON = "corrupt KPL aggregate";

export class UnknownSchemaVersionError extends Error {}

/** A value that does not fit its column: the record is a dead letter with this reason. */
export class CellError extends Error {}

/** The registry's versions, by id, with their columns (a version's columns never change). */
export type SchemaLookup = (
  schemaVersionId: string,
) => Promise<(SchemaVersionInfo & { columns: Column[] }) | undefined>;

/** Records carry their arrival time from every read (API_Record.html); the epoch stands in only where a test omits it. */
const NO_ARRIVAL = new Date(0);

export async function lakeItemOf(record: ConsumerRecord, schemas: SchemaLookup): Promise<LakeItem> {
  // Items and rows are built as single object literals (no spreads): this runs once per
  // record, and copying properties showed as the writer's largest cost after Parquet itself.
  const arrival = record.approximateArrivalTimestamp ?? NO_ARRIVAL;
  // Corrupt for good: the same bytes fail the same check on every read, so one dead letter
  // where it stands keeps the shard going and loses nothing.
  if (record.corruptAggregate !== undefined) {
    return deadItem(record, arrival, `${CORRUPT_AGGREGATE_REASON}: ${record.corruptAggregate}`);
  }
  let decoded;
  try {
    decoded = decode(record.data);
  } catch (e) {
    if (e instanceof SchemaWireError) return deadItem(record, arrival, `malformed schema header: ${e.message}`);
    throw e;
  }
  if (decoded.kind === "plain") {
    const text = record.data.toString("utf8");
    if (!isJson(text)) return deadItem(record, arrival, "data is not JSON and names no schema");
    return rowItem(record, arrival, GENERIC_TABLE, undefined, GENERIC_TABLE_COLUMNS, {
      arrival_time: arrival,
      partition_key: record.partitionKey,
      shard_id: record.shardId,
      sequence_number: record.sequenceNumber,
      sub_sequence_number: BigInt(record.subSequenceNumber ?? 0),
      data: text,
    });
  }
  const version = await schemas(decoded.schemaVersionId);
  if (!version) throw new UnknownSchemaVersionError(`the registry has no schema version ${decoded.schemaVersionId}`);
  let value: unknown;
  try {
    value = JSON.parse(decoded.payload.toString("utf8"));
  } catch {
    return deadItem(record, arrival, `payload of ${version.schemaName} version ${version.versionNumber} is not JSON`);
  }
  const row: Row = {
    arrival_time: arrival,
    partition_key: record.partitionKey,
    shard_id: record.shardId,
    sequence_number: record.sequenceNumber,
    sub_sequence_number: BigInt(record.subSequenceNumber ?? 0),
    schema_version: BigInt(version.versionNumber),
  };
  try {
    structCells(version.columns, value, "", row);
  } catch (e) {
    if (e instanceof CellError) {
      return deadItem(record, arrival, `${version.schemaName} version ${version.versionNumber}: ${e.message}`);
    }
    throw e;
  }
  return rowItem(record, arrival, schemaTableName(version.schemaName), version.versionNumber, version.columns, row);
}

/** A row's item: one object literal, the same shape for every table (built once per record). */
function rowItem(
  record: ConsumerRecord,
  arrival: Date,
  table: string,
  version: number | undefined,
  columns: readonly Column[],
  row: Row,
): LakeItem {
  return {
    position: positionOf(record),
    tenant: record.tenant,
    time: hourPartitionOf(arrival),
    arrival,
    bytes: record.data.length,
    kind: "row",
    table,
    version,
    columns,
    row,
  };
}

function deadItem(record: ConsumerRecord, arrival: Date, reason: string): LakeItem {
  return {
    position: positionOf(record),
    tenant: record.tenant,
    time: hourPartitionOf(arrival),
    arrival,
    bytes: record.data.length,
    kind: "dead",
    letter: {
      shardId: record.shardId,
      sequenceNumber: record.sequenceNumber,
      subSequenceNumber: record.subSequenceNumber ?? 0,
      partitionKey: record.partitionKey,
      arrivalTime: arrival.toISOString(),
      reason,
      data: record.data.toString("base64"),
    },
  };
}

const HOUR_MS = 3_600_000;
let lastHour: { hour: number; time: TimePartition } | undefined;

/**
 * timePartitionOf, remembered for the last hour seen: records arrive in time order on a
 * shard, so nearly every record falls in the hour before it, and formatting a date per record
 * was a cost of its own. The partition is the same one either way.
 */
export function hourPartitionOf(arrival: Date): TimePartition {
  const hour = Math.floor(arrival.getTime() / HOUR_MS);
  if (lastHour?.hour !== hour) lastHour = { hour, time: timePartitionOf(arrival) };
  return lastHour.time;
}

/** A schema version's table columns, for a SchemaLookup's cache. */
export function withColumns(version: SchemaVersionInfo): SchemaVersionInfo & { columns: Column[] } {
  return { ...version, columns: schemaTableColumns(version.definition) };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The data columns' cells of an object, into `out` (the record columns are skipped: they are not in the data). */
function structCells(columns: readonly Column[], value: unknown, path: string, out: Row = {}): Row {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CellError(`${path || "the data"} is ${describe(value)}, not an object`);
  }
  const obj = value as Record<string, unknown>;
  for (const c of columns) {
    if (path === "" && isRecordColumn(c.name)) continue;
    out[c.name] = cell(c.type, obj[c.source], path ? `${path}.${c.source}` : c.source);
  }
  return out;
}

const RECORD_COLUMN_NAMES = new Set(
  [...GENERIC_TABLE_COLUMNS.map((c) => c.name), "schema_version"].filter((n) => n !== "data"),
);
function isRecordColumn(name: string): boolean {
  return RECORD_COLUMN_NAMES.has(name);
}

export function cell(type: ColumnType, value: unknown, path: string): CellValue {
  if (value === undefined || value === null) return null;
  const wrong = (what: string) => new CellError(`${path} is ${describe(value)}, not ${what}`);
  switch (type.kind) {
    case "string":
      if (typeof value !== "string") throw wrong("a string");
      return value;
    case "bigint":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw wrong("an integer");
      return BigInt(value);
    case "double":
      if (typeof value !== "number") throw wrong("a number");
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw wrong("a boolean");
      return value;
    case "timestamp":
      if (!(value instanceof Date)) throw wrong("a time");
      return value;
    case "json":
      return JSON.stringify(value);
    case "array":
      if (!Array.isArray(value)) throw wrong("an array");
      return value.map((v, i) => cell(type.items, v, `${path}[${i}]`));
    case "struct":
      return structCells(type.fields, value, path);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "string"
    ? `the string ${JSON.stringify(value.slice(0, 40))}`
    : `${typeof value} ${JSON.stringify(value)}`;
}
