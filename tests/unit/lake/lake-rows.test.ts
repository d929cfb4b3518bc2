import { expect } from "chai";
import { parquetReadObjects } from "hyparquet";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";
import { glueType } from "../../../runtime/lake/columns";
import {
  hourPartitionOf,
  lakeItemOf,
  LakeItem,
  SchemaLookup,
  UnknownSchemaVersionError,
  withColumns,
} from "../../../runtime/lake/lake-rows";
import { tableColumnsAcrossVersions } from "../../../runtime/lake/lake-tables";
import { timePartitionOf } from "../../../runtime/lake/object-keys";
import { parquetObject } from "../../../runtime/lake/parquet-object";
import { encode } from "../../../runtime/schemas/wire-format";

const V1_ID = "11111111-1111-4111-8111-111111111111";
const V2_ID = "22222222-2222-4222-8222-222222222222";
const ORDER_V1 = {
  type: "object",
  properties: {
    orderId: { type: "string" },
    total: { type: "number" },
    lines: {
      type: "array",
      items: { type: "object", properties: { sku: { type: "string" }, qty: { type: "integer" } } },
    },
    shipTo: { type: "object", properties: { city: { type: "string" } } },
  },
};
/** The compatible change: a new optional field. */
const ORDER_V2 = { ...ORDER_V1, properties: { ...ORDER_V1.properties, coupon: { type: "string" } } };

const versions = new Map(
  [
    { schemaVersionId: V1_ID, versionNumber: 1, definition: JSON.stringify(ORDER_V1) },
    { schemaVersionId: V2_ID, versionNumber: 2, definition: JSON.stringify(ORDER_V2) },
  ].map((v) => [v.schemaVersionId, withColumns({ schemaName: "order", ...v })]),
);
const lookup: SchemaLookup = async (id) => versions.get(id);

function record(data: Buffer, over: Partial<ConsumerRecord> = {}): ConsumerRecord {
  return {
    shardId: "shardId-000000000000",
    tenant: "acme",
    partitionKey: "acme|k1",
    data,
    sequenceNumber: "4959",
    approximateArrivalTimestamp: new Date("2026-12-07T01:02:03.004Z"),
    ...over,
  };
}
const withSchema = (id: string, value: unknown) =>
  record(encode(Buffer.from(JSON.stringify(value)), id, { compression: "zlib" }));

async function readBack(item: LakeItem & { kind: "row" }): Promise<Record<string, unknown>[]> {
  const bytes = parquetObject(item.columns, [item.row]);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file })) as Record<string, unknown>[];
}

describe("lake rows", () => {
  it("a record with a schema is a typed row of its table, nested values included, read back by another Parquet reader", async () => {
    const item = await lakeItemOf(
      withSchema(V1_ID, { orderId: "o-1", total: 12.5, lines: [{ sku: "a", qty: 2 }], shipTo: { city: "Oslo" } }),
      lookup,
    );
    expect(item).to.include({ kind: "row", table: "order", version: 1, tenant: "acme" });
    expect(item.time).to.deep.equal({ date: "2026-12-07", hour: "01" });
    const [row] = await readBack(item as LakeItem & { kind: "row" });
    expect(row).to.deep.include({
      order_id: "o-1",
      total: 12.5,
      lines: [{ sku: "a", qty: 2n }],
      ship_to: { city: "Oslo" },
      schema_version: 1n,
      partition_key: "acme|k1",
      sequence_number: "4959",
    });
    expect((row.arrival_time as Date).toISOString()).to.equal("2026-12-07T01:02:03.004Z");
  });

  it("a new optional field is a new column in new objects; the table keeps old objects readable", async () => {
    const v1 = (await lakeItemOf(withSchema(V1_ID, { orderId: "o-1" }), lookup)) as LakeItem & { kind: "row" };
    const v2 = (await lakeItemOf(withSchema(V2_ID, { orderId: "o-2", coupon: "X" }), lookup)) as LakeItem & {
      kind: "row";
    };
    expect(Object.keys((await readBack(v1))[0])).to.not.include("coupon");
    expect((await readBack(v2))[0]).to.include({ order_id: "o-2", coupon: "X", schema_version: 2n });
    const table = tableColumnsAcrossVersions([v1.columns as never, v2.columns as never]);
    expect(table.map((c) => `${c.name}:${glueType(c.type)}`)).to.include("coupon:string");
  });

  it("a record without a schema is a row of the generic table with its data as JSON text", async () => {
    const item = await lakeItemOf(record(Buffer.from('{"a":1}'), { tenant: "untenanted", partitionKey: "k" }), lookup);
    expect(item).to.include({ kind: "row", table: "records", tenant: "untenanted" });
    expect((await readBack(item as LakeItem & { kind: "row" }))[0]).to.include({ data: '{"a":1}', partition_key: "k" });
  });

  const deadCases: [string, () => ConsumerRecord, RegExp][] = [
    ["plain data that is not JSON", () => record(Buffer.from("not json")), /not JSON and names no schema/],
    ["a malformed schema header", () => record(Buffer.from([3, 9, 1, 2])), /malformed schema header/],
    [
      "a payload that is not JSON",
      () => record(encode(Buffer.from("{oops"), V1_ID, { compression: "none" })),
      /order version 1 is not JSON/,
    ],
    ["a value of the wrong type", () => withSchema(V1_ID, { orderId: 7 }), /orderId is number 7, not a string/],
    [
      "a nested value of the wrong type",
      () => withSchema(V1_ID, { lines: [{ qty: 1.5 }] }),
      /lines\[0\]\.qty is number 1.5, not an integer/,
    ],
  ];
  for (const [name, make, reason] of deadCases) {
    it(`${name} is a dead letter with its reason and bytes`, async () => {
      const r = make();
      const item = await lakeItemOf(r, lookup);
      expect(item.kind).to.equal("dead");
      if (item.kind !== "dead") return;
      expect(item.letter.reason).to.match(reason);
      expect(Buffer.from(item.letter.data, "base64").equals(r.data)).to.equal(true);
      expect(item.tenant).to.equal("acme");
    });
  }

  it("a schema version the registry does not know is not decided: the batch is retried", async () => {
    const unknown = withSchema("33333333-3333-4333-8333-333333333333", { orderId: "x" });
    let error: unknown;
    await lakeItemOf(unknown, lookup).catch((e) => (error = e));
    expect(error).to.be.instanceOf(UnknownSchemaVersionError);
  });

  it("the time partition of each record is its arrival's UTC date and hour, across hours and days, in any order", async () => {
    const arrivals = [
      "2026-12-07T01:59:59.999Z",
      "2026-12-07T02:00:00.000Z",
      "2026-12-07T01:30:00.000Z",
      "2026-12-07T23:59:59.999Z",
      "2026-12-08T00:00:00.000Z",
      "2026-12-07T02:00:00.001Z",
      "1969-12-31T23:59:59.999Z",
      "1970-01-01T00:00:00.000Z",
    ].map((t) => new Date(t));
    for (const arrival of arrivals) {
      const item = await lakeItemOf(record(Buffer.from("{}"), { approximateArrivalTimestamp: arrival }), lookup);
      expect(item.time, arrival.toISOString()).to.deep.equal(timePartitionOf(arrival));
      expect(hourPartitionOf(arrival)).to.deep.equal({
        date: arrival.toISOString().slice(0, 10),
        hour: arrival.toISOString().slice(11, 13),
      });
    }
  });
});
