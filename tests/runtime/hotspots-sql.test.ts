import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Parser } from "node-sql-parser";
import {
  fillPlaceholders,
  hotspotStatements,
  SQL_PLACEHOLDERS,
  statementsFile,
} from "../../runtime/hotspots/flink-sql";
import { JobConfig, jobConfig } from "../../runtime/hotspots/job-config";

const FIXTURES = path.join(__dirname, "..", "fixtures", "hotspots");

/** Golden files: regenerate with UPDATE_GOLDEN=1 after a deliberate change, and review the diff. */
const GOLDEN: [string, JobConfig][] = [
  ["flink-sql-defaults.sql", jobConfig()],
  [
    "flink-sql-hourly-p7.sql",
    jobConfig({ windowMinutes: 60, geohashPrecision: 7, minTrips: 2, outOfOrdernessSeconds: 30 }),
  ],
];

const render = statementsFile;

const parser = new Parser();
const parses = (sql: string) => parser.astify(sql, { database: "flinksql" });

describe("hot spots: Flink SQL", () => {
  for (const [file, config] of GOLDEN) {
    it(`renders ${file} for ${JSON.stringify(config)}`, () => {
      const sql = render(hotspotStatements(config));
      if (process.env.UPDATE_GOLDEN) writeFileSync(path.join(FIXTURES, file), sql);
      expect(sql).to.equal(readFileSync(path.join(FIXTURES, file), "utf8"));
    });
  }

  const statements = hotspotStatements(jobConfig());
  const [setZone, geohashUdf, centreUdf, source, hotspotSink, airportSink, hotspotQuery, airportQuery] = statements;

  it("has the statements in the order the launcher runs them", () => {
    expect(statements.map((s) => s.split(/\s+/, 4).join(" "))).to.deep.equal([
      "SET 'table.local-time-zone' = 'UTC'",
      "CREATE TEMPORARY SYSTEM FUNCTION",
      "CREATE TEMPORARY SYSTEM FUNCTION",
      "CREATE TABLE taxi_trips (",
      "CREATE TABLE pickup_hotspots (",
      "CREATE TABLE airport_trip_durations (",
      "INSERT INTO pickup_hotspots SELECT",
      "INSERT INTO airport_trip_durations SELECT",
    ]);
  });

  it("the two queries parse as they are", () => {
    for (const query of [hotspotQuery, airportQuery]) expect(() => parses(query)).not.to.throw();
  });

  // node-sql-parser 5.4's flinksql grammar lacks Flink's DDL extensions. Each check below
  // asserts the statement fails as it is (so this test notices when the parser learns the
  // syntax), then parses what remains once exactly that syntax is taken out, and parses the
  // taken-out expressions on their own in a SELECT.
  const COMPUTED_COLUMN = /^ {2}(pickup_ts|trip_seconds) AS (.*),$/gm;
  const WATERMARK = /^ {2}WATERMARK FOR pickup_ts AS (.*)$/m;

  it("source table: all but computed columns and WATERMARK (unknown to the parser) parses", () => {
    expect(() => parses(source)).to.throw(); // computed column "pickup_ts AS ...": a type is expected
    const expressions = [...source.matchAll(COMPUTED_COLUMN)].map((m) => m[2]);
    const watermark = WATERMARK.exec(source)![1];
    expect(expressions).to.have.length(2);
    const plain = source
      .replace(COMPUTED_COLUMN, "")
      .replace(WATERMARK, "")
      .replace(/,\s*\) WITH/, "\n) WITH");
    expect(() => parses(plain)).not.to.throw();
    for (const expression of [...expressions, watermark]) {
      expect(() => parses(`SELECT ${expression.replace(/pickup_ts/g, "`pickupTime`")} FROM taxi_trips`)).not.to.throw();
    }
  });

  it("sink tables: all but NOT ENFORCED (unknown to the parser) parses", () => {
    for (const sink of [hotspotSink, airportSink]) {
      expect(() => parses(sink)).to.throw(); // "NOT ENFORCED": "=" is expected
      expect(() => parses(sink.replace(" NOT ENFORCED", ""))).not.to.throw();
    }
  });

  it("SET parses with its key unquoted (the parser knows MySQL's SET, not Flink's quoted key)", () => {
    expect(() => parses(setZone)).to.throw();
    expect(() => parses(setZone.replace("'table.local-time-zone'", "table.local-time-zone"))).not.to.throw();
  });

  it("CREATE FUNCTION ... LANGUAGE PYTHON (not in the parser's grammar) has Flink's exact form", () => {
    const form = /^CREATE TEMPORARY SYSTEM FUNCTION [A-Z_]+ AS 'hotspot_udfs\.[a-z_]+' LANGUAGE PYTHON$/;
    for (const udf of [geohashUdf, centreUdf]) {
      expect(() => parses(udf)).to.throw();
      expect(udf).to.match(form);
    }
  });

  it("fills every placeholder from application properties", () => {
    const values = Object.fromEntries(Object.keys(SQL_PLACEHOLDERS).map((name) => [name, `value-of-${name}`]));
    const filled = fillPlaceholders(statements, values).join("\n");
    expect(filled).not.to.match(/\$\{/);
    expect(filled).to.include("'stream' = 'value-of-stream'");
    expect(filled).to.include("'stream.arn' = 'value-of-resultsStreamArn'");
    expect(filled).to.include("'connector' = 'kinesis-legacy'");
  });

  it("names a missing property, and refuses a value with a quote", () => {
    expect(() => fillPlaceholders(statements, { stream: "s" })).to.throw(
      /application property region \(the AWS region/,
    );
    const values = Object.fromEntries(Object.keys(SQL_PLACEHOLDERS).map((name) => [name, "x"]));
    expect(() => fillPlaceholders(statements, { ...values, stream: "a' OR '1" })).to.throw(
      /stream is a' OR '1, allowed: no quote/,
    );
  });
});
