import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { columnName, dataColumns, glueType } from "../../../runtime/lake/columns";
import { schemaTableColumns, schemaTableName, tableColumnsAcrossVersions } from "../../../runtime/lake/lake-tables";

describe("lake columns from JSON Schema", () => {
  const names: [string, string][] = [
    ["pickupTime", "pickup_time"],
    ["vendor", "vendor"],
    ["trip-id", "trip_id"],
    ["HTTPStatus", "httpstatus"],
    ["2nd", "_2nd"],
  ];
  for (const [property, column] of names) {
    it(`property ${property} is column ${column}`, () => expect(columnName(property)).to.equal(column));
  }

  const types: [string, object, string][] = [
    ["string", { type: "string" }, "string"],
    ["date-time string stays a string (offsets kept as sent)", { type: "string", format: "date-time" }, "string"],
    ["integer", { type: "integer" }, "bigint"],
    ["nullable integer", { type: ["integer", "null"] }, "bigint"],
    ["number", { type: "number" }, "double"],
    ["boolean", { type: "boolean" }, "boolean"],
    ["array of numbers", { type: "array", items: { type: "number" } }, "array<double>"],
    [
      "nested object",
      { type: "object", properties: { lat: { type: "number" }, tags: { type: "array", items: { type: "string" } } } },
      "struct<lat:double,tags:array<string>>",
    ],
    [
      "array of objects",
      { type: "array", items: { type: "object", properties: { sku: { type: "string" }, qty: { type: "integer" } } } },
      "array<struct<sku:string,qty:bigint>>",
    ],
    ["object without properties: JSON text", { type: "object" }, "string"],
    ["a union: JSON text", { type: ["string", "integer"] }, "string"],
    ["no type: JSON text", { oneOf: [{ type: "string" }] }, "string"],
  ];
  for (const [name, schema, glue] of types) {
    it(`${name} -> ${glue}`, () => {
      const [c] = dataColumns({ type: "object", properties: { x: schema } });
      expect(glueType(c.type)).to.equal(glue);
    });
  }

  it("the shipped taxi-trip schema gives typed columns after the record columns", () => {
    const definition = readFileSync(path.join(__dirname, "../../../schemas/taxi-trip.json"), "utf8");
    const columns = schemaTableColumns(definition);
    const byName = Object.fromEntries(columns.map((c) => [c.name, glueType(c.type)]));
    expect(columns.slice(0, 6).map((c) => c.name)).to.deep.equal([
      "arrival_time",
      "partition_key",
      "shard_id",
      "sequence_number",
      "sub_sequence_number",
      "schema_version",
    ]);
    expect(byName).to.include({
      arrival_time: "timestamp",
      vendor: "string",
      passenger_count: "bigint",
      trip_distance: "double",
    });
    expect(schemaTableName("taxi-trip")).to.equal("taxi_trip");
  });

  it("refuses two properties that become one column, naming both", () => {
    expect(() => dataColumns({ type: "object", properties: { tripId: {}, trip_id: {} } })).to.throw(
      /"tripId".*"trip_id"/,
    );
  });

  it("refuses a property that takes a column the lake keeps", () => {
    expect(() => schemaTableColumns({ type: "object", properties: { shardId: { type: "string" } } })).to.throw(
      /"shardId".*shard_id/,
    );
  });

  it("refuses a schema that is not an object with properties", () => {
    expect(() => dataColumns({ type: "array" })).to.throw(/type: object/);
  });

  it("a table across versions: the newest's columns, then those only older ones had", () => {
    const v1 = schemaTableColumns({ type: "object", properties: { a: { type: "string" }, gone: { type: "number" } } });
    const v2 = schemaTableColumns({ type: "object", properties: { a: { type: "string" }, b: { type: "integer" } } });
    expect(
      tableColumnsAcrossVersions([v1, v2])
        .map((c) => c.name)
        .slice(6),
    ).to.deep.equal(["a", "b", "gone"]);
  });
});
