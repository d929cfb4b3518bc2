/**
 * A lake object's bytes: rows of one table (one schema version) as Parquet, written by
 * parquet-wasm (the Rust arrow-rs Parquet writer, compiled to WebAssembly) from an Apache
 * Arrow table. Typed columns as columns.ts maps them, Snappy pages, and row groups as large
 * as the object (Athena splits work by row group; one group per object of tens of MB keeps
 * its reads few and large: https://docs.aws.amazon.com/athena/latest/ug/performance-tuning-data-optimization-techniques.html).
 */
import * as arrow from "apache-arrow";
import { Compression, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from "parquet-wasm/node";
import { Column, ColumnType } from "./columns";
import { Row } from "./lake-rows";

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
  const type = new arrow.Struct(arrowFields(columns));
  const builder = arrow.makeBuilder({ type, nullValues: [null, undefined] });
  for (const row of rows) builder.append(row as never);
  const data = builder.finish().flush();
  const table = new arrow.Table(new arrow.RecordBatch(arrowSchema(columns), data));
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .build();
  return writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(table, "stream")), properties);
}
