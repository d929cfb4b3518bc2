/**
 * The lake's Glue tables from schemas, by table: types (nested objects and arrays), a
 * compatible change (new optional field) as a new column while old columns stay, the
 * partition layout the projection reads, and names that would clash.
 */
import { expect } from "chai";
import { lakeTables, lakeViews, projectionParameters } from "../../../infra/lake/glue-tables";
import { compactionStateBody } from "../../../runtime/lake/compaction/compaction-state";
import {
  COMPACTION_STATE_KEY,
  compactedObjectKey,
  partitionPath,
  tableObjectKey,
  timePartitionOf,
} from "../../../runtime/lake/object-keys";
import { lakeViewSql } from "../../../runtime/lake/lake-views";

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

const table = (bucket: string, schemas: Parameters<typeof lakeTables>[1], name: string) =>
  lakeTables(bucket, schemas).find((t) => t.name === name)!;
const columnsOf = (definitions: string[]) =>
  Object.fromEntries(table("b", [{ name: "trip", definitions }], "trip_segments").columns.map((c) => [c.name, c.type]));

describe("lake Glue tables", () => {
  it("types: string, double, bigint, struct, array of string, array of struct; the record's place and version first", () => {
    const segments = table("b", [{ name: "trip", definitions: [v1] }], "trip_segments");
    expect(segments.columns.slice(0, 6).map((c) => c.name)).to.deep.equal([
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
    const segments = table("lake-bucket", [], "records_segments");
    const time = timePartitionOf(new Date("2026-12-07T05:30:00Z"));
    const key = tableObjectKey("records", "acme", time, {
      shardId: "shardId-000000000001",
      first: { sequenceNumber: "1", subSequenceNumber: 0 },
    });
    const template = projectionParameters(segments.location)["storage.location.template"];
    const filled = template.replace("${tenant}", "acme").replace("${date}", "2026-12-07").replace("${hour}", "05");
    expect(`s3://lake-bucket/${key}`.startsWith(filled)).to.equal(true);
    expect(filled.endsWith(partitionPath("acme", time))).to.equal(true);
  });

  it("the compacted table has the segments' columns and projection over the compactor's part keys", () => {
    const segments = table("lake-bucket", [{ name: "trip", definitions: [v1] }], "trip_segments");
    const compacted = table("lake-bucket", [{ name: "trip", definitions: [v1] }], "trip_compacted");
    expect(compacted.columns).to.deep.equal(segments.columns);
    expect(compacted.partitionKeys).to.deep.equal(segments.partitionKeys);
    expect(compacted.format).to.equal("parquet");
    const time = timePartitionOf(new Date("2026-12-07T05:30:00Z"));
    const key = compactedObjectKey("trip", "acme", time, { index: 0, of: 2 });
    const filled = compacted.parameters["storage.location.template"]
      .replace("${tenant}", "acme")
      .replace("${date}", "2026-12-07")
      .replace("${hour}", "05");
    expect(`s3://lake-bucket/${key}`.startsWith(filled)).to.equal(true);
    expect(filled).to.equal("s3://lake-bucket/compacted/trip/tenant=acme/date=2026-12-07/hour=05/");
  });

  it("the compaction state is one unpartitioned JSON lines table over the state object's folder, its keys as columns", () => {
    const state = table("b", [], "lake_compaction");
    expect(state.format).to.equal("json-lines");
    expect(state.partitionKeys).to.deep.equal([]);
    expect(`s3://b/${COMPACTION_STATE_KEY}`.startsWith(state.location)).to.equal(true);
    expect(state.location).to.equal("s3://b/compaction/state/");
    const keys = Object.keys(
      JSON.parse(compactionStateBody({ compacted_before: "2026-12-07 05", tagged_before: "2026-12-07 05" })),
    );
    expect(state.columns.map((c) => c.name)).to.deep.equal(keys);
  });

  it("names raw tables for each view and no raw table under a view's name", () => {
    const names = lakeTables("b", [{ name: "trip", definitions: [v1] }]).map((t) => t.name);
    expect(names).to.deep.equal([
      "trip_segments",
      "trip_compacted",
      "records_segments",
      "records_compacted",
      "lake_compaction",
      "dead_letters",
    ]);
    expect(lakeViews("db", [{ name: "trip", definitions: [v1] }]).map((v) => v.name)).to.deep.equal([
      "trip",
      "records",
    ]);
  });

  it("stores each view as Athena does: the view JSON in base64 with Trino types, presto_view, Hive types as columns", () => {
    const [trip] = lakeViews("pipe_dev_lake", [{ name: "trip", definitions: [v1] }]);
    const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(trip.viewOriginalText);
    expect(match, trip.viewOriginalText).to.not.equal(null);
    const decoded = JSON.parse(Buffer.from(match![1], "base64").toString("utf8"));
    const columns = trip.columns.map((c) => c.name);
    expect(decoded).to.deep.equal({
      originalSql: lakeViewSql({ database: "pipe_dev_lake", view: "trip", columns: columns.slice(0, -3) }),
      catalog: "awsdatacatalog",
      schema: "pipe_dev_lake",
      columns: decoded.columns,
    });
    const types = Object.fromEntries(
      (decoded.columns as { name: string; type: string }[]).map((c) => [c.name, c.type]),
    );
    expect(Object.keys(types)).to.deep.equal(columns);
    expect(types).to.deep.include({
      arrival_time: "timestamp(3)",
      pickup: "row(lat double, lon double)",
      flags: "array(row(code bigint))",
      tenant: "varchar",
      date: "varchar",
      hour: "varchar",
    });
    expect(columns.slice(-3)).to.deep.equal(["tenant", "date", "hour"]);
    expect(Object.fromEntries(trip.columns.map((c) => [c.name, c.type]))).to.deep.include({
      pickup: "struct<lat:double,lon:double>",
      tenant: "string",
    });
    expect(trip.parameters).to.deep.include({ presto_view: "true" });
    expect(trip.viewExpandedText).to.equal("/* Presto View */");
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
