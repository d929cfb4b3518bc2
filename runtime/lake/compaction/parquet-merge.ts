/**
 * One compacted part's bytes: the rows of its input objects, in input order, with their
 * columns and types as the inputs have them (one table, tenant and schema version: one set of
 * columns), written with the lake writer's encoding (../parquet-object.ts parquetOfArrow).
 * Rows travel as Arrow record batches, read by parquet-wasm (the writer's own library), so
 * nested columns (structs, lists) are copied as they are, never rebuilt from JavaScript values.
 */
import * as arrow from "apache-arrow";
import { readParquet } from "parquet-wasm/node";
import { parquetOfArrow } from "../parquet-object";

export class PartMergeError extends Error {}

/** The Arrow schema as text: field names, types and nullability, in order. */
function schemaText(schema: arrow.Schema): string {
  return schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? "" : " not null"}`).join(", ");
}

export interface MergedPart {
  body: Uint8Array;
  rows: number;
}

/** Merges Parquet objects of one set of columns into one; `names` (the inputs' keys) only for errors. */
export function mergeParquet(inputs: readonly Uint8Array[], names: readonly string[] = []): MergedPart {
  if (inputs.length === 0) throw new PartMergeError("a compacted part has at least one input object");
  let schema: arrow.Schema | undefined;
  const batches: arrow.RecordBatch[] = [];
  inputs.forEach((bytes, i) => {
    const table = arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
    if (schema === undefined) schema = table.schema;
    else if (schemaText(table.schema) !== schemaText(schema)) {
      throw new PartMergeError(
        `the objects of a compacted part share their columns: ${names[i] ?? `input ${i}`} has (${schemaText(table.schema)}), ${names[0] ?? "input 0"} has (${schemaText(schema)})`,
      );
    }
    // Every batch under the first input's schema object: arrow.Table takes batches of one schema.
    for (const batch of table.batches) batches.push(new arrow.RecordBatch(schema, batch.data));
  });
  const table = new arrow.Table(schema!, batches);
  return { body: parquetOfArrow(table), rows: table.numRows };
}
