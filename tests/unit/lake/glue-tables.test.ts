/**
 * The lake's Glue tables from schemas, by table: types (nested objects and arrays), a
 * compatible change (new optional field) as a new column while old columns stay, the
 * partition layout the projection reads, and names that would clash.
 */
import { expect } from "chai";
import { lakeTables, projectionParameters } from "../../../infra/lake/glue-tables";
import { partitionPath, tableObjectKey, timePartitionOf } from "../../../runtime/lake/object-keys";

const v1 = JSON.stringify({
  type: "object",
  properties: {
    tripId: { type: "string" },
    fare: { type: "number" },
    passengers: { type: "integer" },
    pickup: { type: "object", properties: { lat: { type: "number" }, lon: { type: "number" } } },
    stops: { type: "array", items: { type: "string" } },
    flags: { type: "array", items: { type: "object", properties: { code: { type: "integer" } } } },
  },
});
const v2 = JSON.parse(v1);
v2.properties.tip = { type: "number" };

const columnsOf = (definitions: string[]) =>
  Object.fromEntries(lakeTables("b", [{ name: "trip", definitions }])[0].columns.map((c) => [c.name, c.type]));

describe("lake Glue tables", () => {
  it("types: string, double, bigint, struct, array of string, array of struct; the record's place and version first", () => {
    const table = lakeTables("b", [{ name: "trip", definitions: [v1] }])[0];
    expect(table.columns.slice(0, 6).map((c) => c.name)).to.deep.equal([
      "arrival_time",
      "partition_key",
      "shard_id",
      "sequence_number",
      "sub_sequence_number",
      "schema_version",
    ]);
    expect(columnsOf([v1])).to.deep.include({
      trip_id: "string",
      fare: "double",
      passengers: "bigint",
      pickup: "struct<lat:double,lon:double>",
      stops: "array<string>",
      flags: "array<struct<code:bigint>>",
      arrival_time: "timestamp",
      schema_version: "bigint",
    });
  });

  it("a new optional field in a later version is a new column; every older column stays", () => {
    const one = columnsOf([v1]);
    const two = columnsOf([v1, JSON.stringify(v2)]);
    expect(one).to.not.have.property("tip");
    expect(two).to.include({ ...one, tip: "double" });
  });

  it("the projection's location template is the writer's partition path", () => {
    const table = lakeTables("lake-bucket", [])[0];
    expect(table.name).to.equal("records");
    const time = timePartitionOf(new Date("2026-12-07T05:30:00Z"));
    const key = tableObjectKey("records", "acme", time, {
      shardId: "shardId-000000000001",
      first: { sequenceNumber: "1", subSequenceNumber: 0 },
    });
    const template = projectionParameters(table.location)["storage.location.template"];
    const filled = template.replace("${tenant}", "acme").replace("${date}", "2026-12-07").replace("${hour}", "05");
    expect(`s3://lake-bucket/${key}`.startsWith(filled)).to.equal(true);
    expect(filled.endsWith(partitionPath("acme", time))).to.equal(true);
  });

  it("the dead letters read as JSON lines, each column mapped from the writer's key", () => {
    const dead = lakeTables("b", []).find((t) => t.name === "dead_letters")!;
    expect(dead.format).to.equal("json-lines");
    expect(dead.location).to.equal("s3://b/dead-letters/");
    expect(dead.serdeParameters).to.deep.include({ "mapping.shard_id": "shardId", "mapping.reason": "reason" });
  });

  it("refuses two schemas that make one table name, naming both", () => {
    expect(() =>
      lakeTables("b", [
        { name: "taxi-trip", definitions: [v1] },
        { name: "taxi_trip", definitions: [v1] },
      ]),
    ).to.throw("schemas taxi-trip and taxi_trip both make the lake table taxi_trip: rename one");
  });
});
