/**
 * A lake object's bytes: rows of one table (one schema version) as Parquet, written by
 * parquet-wasm (the Rust arrow-rs Parquet writer, compiled to WebAssembly) from an Apache
 * Arrow table. Typed columns as columns.ts maps them, Snappy pages, and row groups as large
 * as the object (Athena splits work by row group; one group per object of tens of MB keeps
 * its reads few and large: https://docs.aws.amazon.com/athena/latest/ug/performance-tuning-data-optimization-techniques.html).
 */
import * as arrow from "apache-arrow";
import {
  Compression,
  Table as WasmTable,
  writeParquet,
  WriterProperties,
  WriterPropertiesBuilder,
} from "parquet-wasm/node";
import { Column, ColumnType } from "./columns";
import { CellValue, Row } from "./lake-rows";

/** Rows per row group: above any object's rows at the default roll size, so one group per object. */
export const ROW_GROUP_ROWS = 1_000_000;

function arrowType(type: ColumnType): arrow.DataType {
  switch (type.kind) {
    case "string":
    case "json":
      return new arrow.Utf8();
    case "bigint":
      return new arrow.Int64();
    case "double":
      return new arrow.Float64();
    case "boolean":
      return new arrow.Bool();
    case "timestamp":
      return new arrow.TimestampMillisecond("UTC");
    case "array":
      return new arrow.List(new arrow.Field("element", arrowType(type.items), true));
    case "struct":
      return new arrow.Struct(arrowFields(type.fields));
  }
}

function arrowFields(columns: readonly Column[]): arrow.Field[] {
  return columns.map((c) => new arrow.Field(c.name, arrowType(c.type), true));
}

/** The Arrow schema of an object with these columns (every column nullable: optional fields). */
export function arrowSchema(columns: readonly Column[]): arrow.Schema {
  return new arrow.Schema(arrowFields(columns));
}

export function parquetObject(columns: readonly Column[], rows: readonly Row[]): Uint8Array {
  const schema = arrowSchema(columns);
  const children = columns.map((c, i) => columnData(schema.fields[i].type, c, rows));
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, nullCount: 0, children });
  const table = new arrow.Table(new arrow.RecordBatch(schema, data));
  return writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(table, "stream")), lakeWriterProperties());
}

/**
 * How every lake object is written: Snappy pages, row groups of ROW_GROUP_ROWS. The writer's
 * objects and the compactor's merged parts (compaction/parquet-merge.ts) both use it, so
 * Athena reads one encoding. A fresh one each time: parquet-wasm consumes it.
 */
export function lakeWriterProperties(): WriterProperties {
  return new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(ROW_GROUP_ROWS).build();
}

/**
 * One column's Arrow data. Flat columns (every column of the generic table, and most of a
 * schema's) are laid out directly into their buffers: Arrow's row builders cost several
 * times more per value, and the lake writer spends most of its CPU here. Lists and structs
 * go through Arrow's builder. Either way the same values, so the same Parquet bytes
 * (tests/unit/lake/parquet-object-golden.test.ts).
 */
function columnData(type: arrow.DataType, column: Column, rows: readonly Row[]): arrow.Data {
  const name = column.name;
  switch (column.type.kind) {
    case "string":
    case "json":
      return utf8Data(type as arrow.Utf8, rows, name);
    case "double":
      return fixedData(type, rows, name, new Float64Array(rows.length), (v) => v as number);
    case "bigint":
      return fixedData(type, rows, name, new BigInt64Array(rows.length), (v) => v as bigint);
    case "timestamp":
      return fixedData(type, rows, name, new BigInt64Array(rows.length), (v) => BigInt((v as Date).getTime()));
    case "boolean":
      return boolData(type as arrow.Bool, rows, name);
    default: {
      const builder = arrow.makeBuilder({ type, nullValues: [null, undefined] });
      for (const row of rows) builder.append(row[name] as never);
      return builder.finish().flush();
    }
  }
}

/** Validity bits (1: a value) when some cell is null or missing, as Arrow lays them out (LSB first). */
function validity(rows: readonly Row[], name: string): { nullCount: number; nullBitmap?: Uint8Array } {
  let nullCount = 0;
  for (const row of rows) if (row[name] == null) nullCount++;
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array((rows.length + 7) >> 3);
  for (let i = 0; i < rows.length; i++) if (rows[i][name] != null) nullBitmap[i >> 3] |= 1 << (i & 7);
  return { nullCount, nullBitmap };
}

function utf8Data(type: arrow.Utf8, rows: readonly Row[], name: string): arrow.Data {
  const valueOffsets = new Int32Array(rows.length + 1);
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][name];
    if (v != null) bytes += Buffer.byteLength(v as string, "utf8");
    valueOffsets[i + 1] = bytes;
  }
  const data = Buffer.allocUnsafeSlow(bytes);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][name];
    if (v != null) data.write(v as string, valueOffsets[i], "utf8");
  }
  return arrow.makeData({ type, length: rows.length, ...validity(rows, name), valueOffsets, data });
}

function fixedData<T extends Float64Array | BigInt64Array>(
  type: arrow.DataType,
  rows: readonly Row[],
  name: string,
  data: T,
  value: (cell: CellValue) => T[number],
): arrow.Data {
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][name];
    if (v != null) data[i] = value(v);
  }
  return arrow.makeData({ type, length: rows.length, ...validity(rows, name), data } as never);
}

function boolData(type: arrow.Bool, rows: readonly Row[], name: string): arrow.Data {
  const data = new Uint8Array((rows.length + 7) >> 3);
  for (let i = 0; i < rows.length; i++) if (rows[i][name] === true) data[i >> 3] |= 1 << (i & 7);
  return arrow.makeData({ type, length: rows.length, ...validity(rows, name), data });
}
