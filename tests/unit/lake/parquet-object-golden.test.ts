/**
 * The lake's Parquet bytes for a fixed input, held by their SHA-256 (taken from the writer
 * before any change to how it builds its Arrow columns): a faster build must not change one
 * byte of what Athena reads. Inputs cover every column kind, nulls at every level, empty and
 * non-ASCII strings, and the generic table's rows as the writer makes them.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { parquetReadObjects } from "hyparquet";
import { Column } from "../../../runtime/lake/columns";
import { CellValue, Row } from "../../../runtime/lake/lake-rows";
import { GENERIC_TABLE_COLUMNS, schemaTableColumns } from "../../../runtime/lake/lake-tables";
import { parquetObject } from "../../../runtime/lake/parquet-object";

const TYPED_SCHEMA = {
  type: "object",
  properties: {
    vendor: { type: "string" },
    passengerCount: { type: "integer" },
    fareAmount: { type: "number" },
    paid: { type: "boolean" },
    stops: {
      type: "array",
      items: { type: "object", properties: { lon: { type: "number" }, name: { type: "string" } } },
    },
    tags: { type: "array", items: { type: "string" } },
    driver: { type: "object", properties: { id: { type: "integer" }, badge: { type: ["string", "null"] } } },
    extra: {},
  },
};
const TYPED_COLUMNS: Column[] = schemaTableColumns(TYPED_SCHEMA);

const ARRIVAL0 = Date.UTC(2026, 11, 7, 12, 0, 0, 0);
const STRINGS = ["", "a", "Zürich", "東京", "emoji 🚕", "x".repeat(300), '{"q":"\\"quoted\\""}'];

function recordCells(i: number): Row {
  return {
    arrival_time: new Date(ARRIVAL0 + i * 37),
    partition_key: `tenant-${i % 3}|${STRINGS[i % STRINGS.length]}${i}`,
    shard_id: `shardId-00000000000${i % 4}`,
    sequence_number: `4965432109876543210987654321098765432109876543210${String(i).padStart(7, "0")}`,
    sub_sequence_number: BigInt(i % 11),
  };
}

function genericRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    ...recordCells(i),
    data: JSON.stringify({ i, s: STRINGS[i % STRINGS.length], f: i / 7 }),
  }));
}

function typedRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i): Row => {
    const nth = (k: number) => i % k === 0;
    const stops: CellValue = nth(5)
      ? null
      : Array.from({ length: i % 4 }, (_, k) => ({ lon: nth(3) ? null : -73.9 - k / 100, name: STRINGS[(i + k) % 7] }));
    return {
      ...recordCells(i),
      schema_version: BigInt(1 + (i % 2)),
      vendor: nth(6) ? null : STRINGS[i % STRINGS.length],
      passenger_count: nth(7) ? null : BigInt(i % 9) - 2n,
      fare_amount: nth(4) ? null : i * 1.25 - 3,
      paid: nth(9) ? null : i % 2 === 0,
      stops,
      tags: nth(8) ? null : Array.from({ length: i % 3 }, (_, k) => (k === 1 && nth(2) ? null : STRINGS[k])),
      driver: nth(10) ? null : { id: BigInt(i * 1000), badge: nth(3) ? null : `b-${i}` },
      extra: nth(2) ? null : JSON.stringify({ any: [i, "thing"] }),
    };
  });
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const arrayBufferOf = (bytes: Uint8Array) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

describe("lake Parquet objects, byte for byte", () => {
  const cases: { name: string; columns: readonly Column[]; rows: Row[]; sha256: string }[] = [
    {
      name: "generic table, 1 row",
      columns: GENERIC_TABLE_COLUMNS,
      rows: genericRows(1),
      sha256: "5a0da3984c9649092a8d07887f9f884a462ec94a26eee29b5996c2b5d23e9a82",
    },
    {
      name: "generic table, 2,000 rows",
      columns: GENERIC_TABLE_COLUMNS,
      rows: genericRows(2000),
      sha256: "b9582b729c0bfd34ab886a1fdcf21c519b4500135ea11709b5050f447c9a2b58",
    },
    {
      name: "typed table with nested values and nulls, 500 rows",
      columns: TYPED_COLUMNS,
      rows: typedRows(500),
      sha256: "24b2f1bbb2fff1607e9dcaa31bb85fab76e31f9c6956d33220735a2a8ba37c15",
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the same bytes as before`, () => {
      expect(sha256(parquetObject(c.columns, c.rows))).to.equal(c.sha256);
    });
  }

  it("the typed fixture reads back as written (nulls, nested lists and structs, non-ASCII)", async () => {
    const rows = typedRows(40);
    const read = (await parquetReadObjects({ file: arrayBufferOf(parquetObject(TYPED_COLUMNS, rows)) })) as Row[];
    expect(read.length).to.equal(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const { arrival_time: written, ...rest } = rows[i];
      const { arrival_time: back, ...restBack } = read[i];
      expect((back as Date).getTime()).to.equal((written as Date).getTime());
      // hyparquet reads a null list or struct as undefined.
      const nulled = Object.fromEntries(Object.entries(restBack).map(([k, v]) => [k, v === undefined ? null : v]));
      expect({ ...Object.fromEntries(Object.keys(rest).map((k) => [k, null])), ...nulled }).to.deep.equal(rest);
    }
  });
});
