import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Parser } from "node-sql-parser";
import {
  fillPlaceholders,
  hotspotStatements,
  SQL_PLACEHOLDERS,
  statementsFile,
} from "../../../runtime/hotspots/flink-sql";
import { JobConfig, jobConfig } from "../../../runtime/hotspots/job-config";
import { FUTURE_TOLERANCE_SECONDS, RFC_3339_BODY, TRIP_PROBLEMS } from "../../../runtime/hotspots/usable-trip";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "hotspots");

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
  const [setZone, geohashUdf, centreUdf, skippedUdf, source, hotspotSink, airportSink, skippedSink] = statements;
  const [hotspotQuery, airportQuery, skippedQuery] = statements.slice(8);

  it("has the statements in the order the launcher runs them", () => {
    expect(statements.map((s) => s.split(/\s+/, 4).join(" "))).to.deep.equal([
      "SET 'table.local-time-zone' = 'UTC'",
      "CREATE TEMPORARY SYSTEM FUNCTION",
      "CREATE TEMPORARY SYSTEM FUNCTION",
      "CREATE TEMPORARY SYSTEM FUNCTION",
      "CREATE TABLE taxi_trips (",
      "CREATE TABLE pickup_hotspots (",
      "CREATE TABLE airport_trip_durations (",
      "CREATE TABLE skipped_trips (",
      "INSERT INTO pickup_hotspots SELECT",
      "INSERT INTO airport_trip_durations SELECT",
      "INSERT INTO skipped_trips SELECT",
    ]);
  });

  it("the three queries and the skipped trips' table parse as they are", () => {
    for (const query of [hotspotQuery, airportQuery, skippedQuery, skippedSink]) {
      expect(() => parses(query)).not.to.throw();
    }
  });

  // node-sql-parser 5.4's flinksql grammar lacks Flink's DDL extensions. Each check below
  // asserts the statement fails as it is (so this test notices when the parser learns the
  // syntax), then parses what remains once exactly that syntax is taken out, and parses the
  // taken-out expressions on their own in a SELECT.
  const COMPUTED_COLUMN = /^ {2}(pickup_ts|trip_seconds) AS (CASE\n[\s\S]*?\n {2}END),$/gm;
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
    for (const udf of [geohashUdf, centreUdf, skippedUdf]) {
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

describe("hot spots: no record content stops the Flink job (the guards in the SQL)", () => {
  const statements = hotspotStatements(jobConfig());
  const source = statements.find((s) => s.startsWith("CREATE TABLE taxi_trips"))!;
  const column = (name: string) =>
    new RegExp(`^ {2}${name} AS (CASE\\n[\\s\\S]*?\\n {2}END),$`, "m").exec(source)?.[1] ?? `(no CASE for ${name})`;
  const conditionsOf = (caseExpression: string) =>
    (/WHEN ([\s\S]*?)\n\s*THEN/.exec(caseExpression)?.[1] ?? "").split(/\n\s*AND /);
  const READABLE = (field: string) => `REGEXP(\`${field}\`, '^${RFC_3339_BODY}\\z')`;
  const EPOCH = (field: string) =>
    `UNIX_TIMESTAMP(REGEXP_REPLACE(\`${field}\`, '\\.\\d+', ''), 'yyyy-MM-dd''T''HH:mm:ssXXX')`;

  it("declares only the six fields the job reads (an object in another declared field could derail the JSON reader)", () => {
    const physical = [...source.matchAll(/^ {2}`(\w+)` (\w+),$/gm)].map(([, name, type]) => [name, type]);
    expect(physical).to.deep.equal([
      ["pickupTime", "STRING"],
      ["dropoffTime", "STRING"],
      ["pickupLongitude", "DOUBLE"],
      ["pickupLatitude", "DOUBLE"],
      ["dropoffLongitude", "DOUBLE"],
      ["dropoffLatitude", "DOUBLE"],
    ]);
    expect(source).to.include("'json.ignore-parse-errors' = 'true'");
  });

  it("the rowtime is never NULL: a usable trip's pickup, else a millisecond before 1970", () => {
    expect(column("pickup_ts")).to.match(
      /\n {4}THEN TO_TIMESTAMP_LTZ\(UNIX_TIMESTAMP\(.*\) \* 1000, 3\)\n {4}ELSE TO_TIMESTAMP_LTZ\(-1, 3\)\n {2}END$/,
    );
    expect(source).to.include("WATERMARK FOR pickup_ts AS pickup_ts - INTERVAL '300' SECOND");
  });

  it("parses only times REGEXP has read, then bounds them: not before 1970, not after the clock plus 5 minutes", () => {
    expect(conditionsOf(column("pickup_ts"))).to.deep.equal([
      READABLE("pickupTime"),
      READABLE("dropoffTime"),
      `${EPOCH("pickupTime")} >= 0`,
      `${EPOCH("dropoffTime")} >= 0`,
      "`pickupLongitude` BETWEEN -180 AND 180",
      "`pickupLatitude` BETWEEN -90 AND 90",
      "`dropoffLongitude` BETWEEN -180 AND 180",
      "`dropoffLatitude` BETWEEN -90 AND 90",
      `${EPOCH("pickupTime")} <= UNIX_TIMESTAMP() + ${FUTURE_TOLERANCE_SECONDS}`,
      `${EPOCH("dropoffTime")} <= UNIX_TIMESTAMP() + ${FUTURE_TOLERANCE_SECONDS}`,
    ]);
    expect(FUTURE_TOLERANCE_SECONDS).to.equal(300);
  });

  it("the trip's duration is computed from readable times only", () => {
    expect(conditionsOf(column("trip_seconds"))).to.deep.equal([READABLE("pickupTime"), READABLE("dropoffTime")]);
  });

  it("every UNIX_TIMESTAMP of a field comes after REGEXP has read that field, in every statement", () => {
    const parsed: string[] = [];
    for (const statement of statements) {
      expect(statement).not.to.match(/UNIX_TIMESTAMP\(`/); // a field parsed as it came
      for (const field of ["pickupTime", "dropoffTime"]) {
        const parse = statement.indexOf(EPOCH(field));
        if (parse < 0) continue;
        parsed.push(`${statement.split(" ", 3).join(" ")} ${field}`);
        expect(statement.indexOf(READABLE(field)), field).to.be.within(0, parse);
      }
    }
    expect(parsed).to.deep.equal([
      "CREATE TABLE taxi_trips pickupTime",
      "CREATE TABLE taxi_trips dropoffTime",
      "INSERT INTO skipped_trips\nSELECT pickupTime",
      "INSERT INTO skipped_trips\nSELECT dropoffTime",
    ]);
  });

  it("the results count usable trips only, and the skipped ones go to COUNT_SKIPPED_TRIP by their problem", () => {
    const [hotspotQuery, airportQuery, skippedQuery] = statements.slice(8);
    for (const query of [hotspotQuery, airportQuery]) {
      expect(query).to.include("WHERE pickup_ts >= TO_TIMESTAMP_LTZ(0, 3)\n    AND `pickupLongitude` BETWEEN");
    }
    expect(skippedQuery).to.match(/^INSERT INTO skipped_trips\nSELECT COUNT_SKIPPED_TRIP\(CASE\n/);
    expect(skippedQuery).to.match(/\nFROM taxi_trips\nWHERE pickup_ts < TO_TIMESTAMP_LTZ\(0, 3\)$/);
    // The reasons in TRIP_PROBLEMS order; the clock is not read again (the rowtime read it).
    const reasons = [...skippedQuery.matchAll(/THEN '(\w+)'|ELSE '(\w+)'/g)].map((m) => m[1] ?? m[2]);
    expect(reasons).to.deep.equal(Object.keys(TRIP_PROBLEMS));
    expect(skippedQuery).not.to.include("UNIX_TIMESTAMP()");
    expect(statements.find((s) => s.startsWith("CREATE TABLE skipped_trips"))).to.include("'connector' = 'blackhole'");
  });

  it("has no division and no cast that can fail: only a BIGINT to DOUBLE and window bounds to TIMESTAMP(3)", () => {
    const sql = statements.join("\n").replace(/'(?:[^']|'')*'/g, "''");
    expect(sql).not.to.match(/[^*]\/[^*]/);
    const casts = [...sql.matchAll(/CAST\((.*?) AS ([A-Z]+(?:\(\d\))?)\)/g)].map((m) => `${m[1]} AS ${m[2]}`);
    expect(new Set(casts)).to.deep.equal(
      new Set([
        "trip_seconds AS DOUBLE",
        "TUMBLE_START(pickup_ts, INTERVAL '' MINUTE) AS TIMESTAMP(3)",
        "TUMBLE_END(pickup_ts, INTERVAL '' MINUTE) AS TIMESTAMP(3)",
      ]),
    );
  });
});
