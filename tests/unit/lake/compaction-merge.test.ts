/**
 * A compacted part holds every row of its inputs once, with their columns and types: read
 * back by hyparquet, an independent Parquet reader, against the inputs read the same way.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { mergeParquet, PartMergeError } from "../../../runtime/lake/compaction/parquet-merge";
import { Column, ColumnType } from "../../../runtime/lake/columns";
import { CellValue, Row } from "../../../runtime/lake/lake-rows";
import { GENERIC_TABLE_COLUMNS, schemaTableColumns } from "../../../runtime/lake/lake-tables";
import { parquetObject } from "../../../runtime/lake/parquet-object";

const arrayBufferOf = (bytes: Uint8Array) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** A value of any column type, varied by i, with nulls at every level. */
function sample(type: ColumnType, i: number, depth = 0): CellValue {
  if ((i + depth) % 7 === 3 && depth !== 0) return null;
  if (depth === 0 && i % 11 === 5) return null;
  switch (type.kind) {
    case "string":
      return ["", "a", "Zürich", "東京 🚕"][i % 4] + String(i);
    case "json":
      return JSON.stringify({ i, d: depth });
    case "bigint":
      return BigInt(i * 1000 - 7);
    case "double":
      return i / 8 - 1.5;
    case "boolean":
      return i % 2 === 0;
    case "timestamp":
      return new Date(Date.UTC(2026, 11, 7, 9) + i * 1013);
    case "array":
      return Array.from({ length: i % 4 }, (_, k) => sample(type.items, i + k, depth + 1));
    case "struct":
      return Object.fromEntries(type.fields.map((f, k) => [f.name, sample(f.type, i + k, depth + 1)]));
  }
}

const rowsOf = (columns: readonly Column[], from: number, count: number): Row[] =>
  Array.from({ length: count }, (_, k) =>
    Object.fromEntries(
      columns.map((c, j) => [c.name, j === 0 ? sample(c.type, from + k, 1) : sample(c.type, from + k + j)]),
    ),
  );

/** A row as comparable text: bigint and Date as text, missing as null. */
const text = (row: Record<string, unknown>): string =>
  JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v === undefined ? null : v));

async function read(bytes: Uint8Array): Promise<string[]> {
  return ((await parquetReadObjects({ file: arrayBufferOf(bytes) })) as Record<string, unknown>[]).map(text);
}

/** The file's columns as hyparquet reads its schema: names, physical and logical types, repetition. */
function columnsOf(bytes: Uint8Array): unknown[] {
  return parquetMetadata(arrayBufferOf(bytes)).schema.map((e) => [
    e.name,
    e.type,
    e.repetition_type,
    JSON.stringify(e.logical_type ?? null),
    e.num_children ?? 0,
  ]);
}

const STRUCT_AND_ARRAY_SCHEMA = {
  type: "object",
  properties: {
    stops: {
      type: "array",
      items: { type: "object", properties: { lon: { type: "number" }, name: { type: "string" } } },
    },
    tags: { type: "array", items: { type: "string" } },
    driver: { type: "object", properties: { id: { type: "integer" }, since: { type: "string", format: "date-time" } } },
    extra: {},
  },
};
const TAXI_SCHEMA = readFileSync(path.join(__dirname, "../../../schemas/taxi-trip.json"), "utf8");

describe("lake compaction: merging objects into one part", () => {
  const cases: [string, readonly Column[]][] = [
    ["the generic table", GENERIC_TABLE_COLUMNS],
    ["the taxi trip schema", schemaTableColumns(TAXI_SCHEMA)],
    ["a schema of structs and arrays", schemaTableColumns(STRUCT_AND_ARRAY_SCHEMA)],
  ];
  for (const [name, columns] of cases) {
    it(`${name}: every input row once, in input order, columns and types unchanged`, async () => {
      const inputs = [rowsOf(columns, 0, 37), rowsOf(columns, 37, 1), rowsOf(columns, 38, 250)].map((rows) =>
        parquetObject(columns, rows),
      );
      const merged = await mergeParquet(inputs);
      expect(merged.rows).to.equal(288);
      const want = (await Promise.all(inputs.map(read))).flat();
      expect(await read(merged.body)).to.deep.equal(want);
      expect(new Set(want).size).to.equal(want.length, "the fixture's rows are distinct, so a duplicate would show");
      expect(columnsOf(merged.body)).to.deep.equal(columnsOf(inputs[0]));
      const codecs = parquetMetadata(arrayBufferOf(merged.body)).row_groups.flatMap((g) =>
        g.columns.map((c) => c.meta_data?.codec),
      );
      expect(new Set(codecs)).to.deep.equal(new Set(["SNAPPY"]));
    });
  }

  it("one input is copied whole", async () => {
    const input = parquetObject(GENERIC_TABLE_COLUMNS, rowsOf(GENERIC_TABLE_COLUMNS, 0, 10));
    expect(await read((await mergeParquet([input])).body)).to.deep.equal(await read(input));
  });

  /** The error a merge is refused with. */
  async function refusal(merge: Promise<unknown>): Promise<unknown> {
    try {
      await merge;
    } catch (e) {
      return e;
    }
    throw new Error("the merge was not refused");
  }

  it("refuses inputs whose columns differ, naming both", async () => {
    const a = parquetObject(GENERIC_TABLE_COLUMNS, rowsOf(GENERIC_TABLE_COLUMNS, 0, 2));
    const taxi = schemaTableColumns(TAXI_SCHEMA);
    const b = parquetObject(taxi, rowsOf(taxi, 0, 2));
    const error = await refusal(mergeParquet([a, b], ["tables/x/a.parquet", "tables/x/b.parquet"]));
    expect(error).to.be.instanceOf(PartMergeError);
    expect(String(error)).to.match(/tables\/x\/b\.parquet has \(.*\), tables\/x\/a\.parquet has \(arrival_time/);
  });

  it("refuses no input", async () => {
    expect(String(await refusal(mergeParquet([])))).to.match(/at least one input/);
  });
});
