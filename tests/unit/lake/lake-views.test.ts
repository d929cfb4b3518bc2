import { expect } from "chai";
import { prestoType } from "../../../runtime/lake/columns";
import { lakeViewSql } from "../../../runtime/lake/lake-views";

describe("lake views: the SQL", () => {
  const sql = lakeViewSql({ database: "pipe_dev_lake", view: "records", columns: ["arrival_time", "data"] });

  it("reads both raw tables of the view's name and the state table, each once, from the database", () => {
    const count = (s: string) => sql.split(s).length - 1;
    expect(count('"pipe_dev_lake"."records_segments"')).to.equal(1);
    expect(count('"pipe_dev_lake"."records_compacted"')).to.equal(1);
    expect(count('"pipe_dev_lake"."lake_compaction"')).to.equal(1);
  });

  it("selects the data columns, then tenant, date and hour, quoted", () => {
    expect(sql.split("\n")[0]).to.equal('SELECT r."arrival_time", r."data", r."tenant", r."date", r."hour"');
  });

  it("takes an hour from the compacted side exactly when it is before the state, '' without one", () => {
    expect(sql).to.contain(`coalesce(max("compacted_before"), '')`);
    expect(sql).to.contain(`WHERE (r.lake_side = 'c') = (concat(r."date", ' ', r."hour") < s."compacted_before")`);
  });

  const refused: [string, string[], RegExp][] = [
    ["a partition column among the data columns", ["data", "tenant"], /column "tenant" is one the view adds itself/],
    ["the side marker as a column", ["lake_side"], /column "lake_side"/],
    ["no data column", [], /at least one data column/],
  ];
  for (const [what, columns, message] of refused) {
    it(`refuses ${what}`, () => expect(() => lakeViewSql({ database: "d", view: "v", columns })).to.throw(message));
  }

  it("quotes a name with a double quote by doubling it", () =>
    expect(lakeViewSql({ database: 'a"b', view: "v", columns: ["x"] })).to.contain('"a""b"."v_segments"'));
});

describe("lake views: Trino type names of the columns", () => {
  const types: [string, Parameters<typeof prestoType>[0], string][] = [
    ["string", { kind: "string" }, "varchar"],
    ["JSON text", { kind: "json" }, "varchar"],
    ["bigint", { kind: "bigint" }, "bigint"],
    ["double", { kind: "double" }, "double"],
    ["boolean", { kind: "boolean" }, "boolean"],
    ["timestamp (milliseconds)", { kind: "timestamp" }, "timestamp(3)"],
    ["array", { kind: "array", items: { kind: "double" } }, "array(double)"],
    [
      "struct with an array",
      {
        kind: "struct",
        fields: [
          { name: "lat", source: "lat", type: { kind: "double" } },
          { name: "tags", source: "tags", type: { kind: "array", items: { kind: "string" } } },
        ],
      },
      "row(lat double, tags array(varchar))",
    ],
    [
      "array of structs",
      {
        kind: "array",
        items: { kind: "struct", fields: [{ name: "sku", source: "sku", type: { kind: "string" } }] },
      },
      "array(row(sku varchar))",
    ],
  ];
  for (const [what, type, expected] of types) {
    it(`${what} is ${expected}`, () => expect(prestoType(type)).to.equal(expected));
  }
});
