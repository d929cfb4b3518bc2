/**
 * One compacted part's bytes: the rows of its input objects, in input order, with their
 * columns and types as the inputs have them (one table, tenant and schema version: one set of
 * columns), written with the lake writer's encoding (../parquet-object.ts). Rows travel as
 * Arrow record batches inside parquet-wasm (the writer's own library), one input at a time
 * into one streaming Parquet writer: nested columns (structs, lists) are copied as they are,
 * never rebuilt from JavaScript values, and the run holds one input's rows at a time beside
 * the part being written, not all of them.
 */
import * as arrow from "apache-arrow";
import { readParquet, readSchema, RecordBatch, transformParquetStream } from "parquet-wasm/node";
import { lakeWriterProperties } from "../parquet-object";

export class PartMergeError extends Error {}

/** The Arrow schema as text: field names, types and nullability, in order. */
function schemaText(bytes: Uint8Array): string {
  const schema = arrow.tableFromIPC(readSchema(bytes).intoIPCStream()).schema;
  return schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? "" : " not null"}`).join(", ");
}

export interface MergedPart {
  body: Uint8Array;
  rows: number;
}

/** Merges Parquet objects of one set of columns into one; `names` (the inputs' keys) only for errors. */
export async function mergeParquet(inputs: readonly Uint8Array[], names: readonly string[] = []): Promise<MergedPart> {
  if (inputs.length === 0) throw new PartMergeError("a compacted part has at least one input object");
  // Every input's columns first: the writer takes one schema, and a refusal must name the input.
  const first = schemaText(inputs[0]);
  inputs.forEach((bytes, i) => {
    const text = i === 0 ? first : schemaText(bytes);
    if (text !== first) {
      throw new PartMergeError(
        `the objects of a compacted part share their columns: ${names[i] ?? `input ${i}`} has (${text}), ${names[0] ?? "input 0"} has (${first})`,
      );
    }
  });
  let rows = 0;
  let next = 0;
  let pending: RecordBatch[] = [];
  // Pulled by the writer: an input is read only once the batches before it are written.
  const batches = new ReadableStream<RecordBatch>({
    pull(controller) {
      if (pending.length === 0) {
        if (next === inputs.length) return controller.close();
        const table = readParquet(inputs[next++]);
        pending = table.recordBatches();
        table.free();
      }
      const batch = pending.shift();
      if (batch) {
        rows += batch.numRows;
        controller.enqueue(batch);
      }
    },
  });
  const chunks: Uint8Array[] = [];
  const reader = (await transformParquetStream(batches, lakeWriterProperties())).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value as Uint8Array);
  return { body: Buffer.concat(chunks), rows };
}
