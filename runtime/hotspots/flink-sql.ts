/**
 * The hot-spot job as Flink SQL, rendered from the job's settings: the statements the
 * Flink launcher on Managed Service for Apache Flink (runtime/hotspots/flink/main.py) runs
 * in order, with its application properties in place of the ${placeholders}.
 *
 * Connectors: one JAR, org.apache.flink:flink-sql-connector-kinesis (FLINK_CONNECTOR_JAR):
 * - the source is `kinesis-legacy`, the FlinkKinesisConsumer, because it de-aggregates KPL
 *   records (and drops sub-records a reshard left on the wrong shard, as KCL does); every
 *   record our ingest writes is a KPL aggregate, and the newer `kinesis` source (FLIP-27)
 *   does not de-aggregate (apache/flink-connector-aws#188, open);
 * - the sinks are `kinesis` (KinesisStreamsSink, shaded into the same JAR) writing results
 *   to a results stream, from which a signing function indexes them into OpenSearch: the
 *   Flink OpenSearch SQL connector cannot sign requests with SigV4, and the domain's access
 *   policy admits IAM principals only (apart from the Dashboards client CIDR).
 *
 * No record content stops the job (flink-trip-rules.ts): a trip that is not usable
 * (usable-trip.ts) gets a rowtime that moves nothing, is left out of the results, and is
 * counted by the third INSERT into the Python UDF COUNT_SKIPPED_TRIP, whose counter
 * `skippedTrips` (dimension Reason) Managed Flink publishes to CloudWatch. A record that is
 * not a JSON object never becomes a row ('json.ignore-parse-errors') and is not counted.
 *
 * The launcher must:
 * - register the Python UDFs GEOHASH(lon, lat, precision), GEOHASH_CENTRE(cell) and
 *   COUNT_SKIPPED_TRIP(reason) from runtime/hotspots/udf/hotspot_udfs.py (shipped in the
 *   application and listed in `pyFiles`); the first statements declare them. Flink SQL has
 *   no geohash function, and an arithmetic grid would differ from the geohash cells the
 *   map, the reference application and the TypeScript engine (ngeohash) use;
 * - apply `SET` statements to the table config (the first statement fixes the session time
 *   zone to UTC, so windows of TIMESTAMP_LTZ are aligned to the epoch like the engine's);
 * - replace every ${placeholder} of SQL_PLACEHOLDERS with its application property;
 * - run the INSERTs in one statement set, so that they form one job reading the stream once.
 */
import { AIRPORTS, AirportCode, BoundingBox, JobConfig, NYC_BOX } from "./job-config";
import { AIRPORT_INDEX, HOTSPOT_INDEX } from "./result-indices";
import {
  problemExpression,
  rowtimeExpression,
  TRIP_COLUMNS,
  tripSecondsExpression,
  UNUSABLE_ROW,
  USABLE_ROW,
} from "./flink-trip-rules";

/** The application properties the statements need, by placeholder name. */
export const SQL_PLACEHOLDERS = {
  stream: "the Kinesis stream name",
  region: "the AWS region of the stream",
  initialPosition: "where to start reading a shard without state: TRIM_HORIZON or LATEST",
  resultsStreamArn: "the ARN of the Kinesis stream the job writes its results to",
} as const;

/**
 * Every result row names the OpenSearch index it belongs in: both sinks write to one
 * results stream, and the indexer (runtime/search/indexer.ts) routes by this field.
 */
export const RESULT_INDEX_FIELD = "index";

export type SqlPlaceholder = keyof typeof SQL_PLACEHOLDERS;

/** The statements as one file (hotspots.sql): each ends with ";" at the end of its line. */
export function statementsFile(statements: readonly string[]): string {
  return statements.map((s) => `${s};\n`).join("\n");
}

export function hotspotStatements(config: JobConfig): string[] {
  const window = `INTERVAL '${config.windowMinutes}' MINUTE`;
  return [
    `SET 'table.local-time-zone' = 'UTC'`,
    `CREATE TEMPORARY SYSTEM FUNCTION GEOHASH AS 'hotspot_udfs.geohash' LANGUAGE PYTHON`,
    `CREATE TEMPORARY SYSTEM FUNCTION GEOHASH_CENTRE AS 'hotspot_udfs.geohash_centre' LANGUAGE PYTHON`,
    `CREATE TEMPORARY SYSTEM FUNCTION COUNT_SKIPPED_TRIP AS 'hotspot_udfs.count_skipped_trip' LANGUAGE PYTHON`,
    sourceTable(config),
    resultsSinkTable("pickup_hotspots", "cell", ["`location` STRING", "`count` BIGINT"]),
    resultsSinkTable("airport_trip_durations", "airport", ["`trips` BIGINT", "`averageSeconds` DOUBLE"]),
    // The count is the UDF's metric; the rows themselves go nowhere.
    `CREATE TABLE skipped_trips (
  \`reason\` STRING
) WITH (
  'connector' = 'blackhole'
)`,
    `INSERT INTO pickup_hotspots
SELECT
  '${HOTSPOT_INDEX}' AS \`${RESULT_INDEX_FIELD}\`,
  cell,
  GEOHASH_CENTRE(cell) AS location,
  COUNT(*) AS \`count\`,
  CAST(TUMBLE_START(pickup_ts, ${window}) AS TIMESTAMP(3)) AS \`windowStart\`,
  CAST(TUMBLE_END(pickup_ts, ${window}) AS TIMESTAMP(3)) AS \`windowEnd\`
FROM (
  SELECT GEOHASH(\`pickupLongitude\`, \`pickupLatitude\`, ${config.geohashPrecision}) AS cell, pickup_ts
  FROM taxi_trips
  WHERE ${USABLE_ROW("pickup_ts")}
    AND ${inside(NYC_BOX, "pickup")}
)
GROUP BY TUMBLE(pickup_ts, ${window}), cell
HAVING COUNT(*) >= ${config.minTrips}`,
    `INSERT INTO airport_trip_durations
SELECT
  '${AIRPORT_INDEX}' AS \`${RESULT_INDEX_FIELD}\`,
  airport,
  COUNT(*) AS trips,
  AVG(CAST(trip_seconds AS DOUBLE)) AS \`averageSeconds\`,
  CAST(TUMBLE_START(pickup_ts, ${window}) AS TIMESTAMP(3)) AS \`windowStart\`,
  CAST(TUMBLE_END(pickup_ts, ${window}) AS TIMESTAMP(3)) AS \`windowEnd\`
FROM (
  SELECT
    CASE
${(Object.keys(AIRPORTS) as AirportCode[]).map((code) => `      WHEN ${inside(AIRPORTS[code], "dropoff")} THEN '${code}'`).join("\n")}
    END AS airport,
    trip_seconds,
    pickup_ts
  FROM taxi_trips
  WHERE ${USABLE_ROW("pickup_ts")}
    AND ${inside(NYC_BOX, "pickup")}
)
WHERE airport IS NOT NULL
GROUP BY TUMBLE(pickup_ts, ${window}), airport`,
    `INSERT INTO skipped_trips
SELECT COUNT_SKIPPED_TRIP(${problemExpression("  ")}) AS \`reason\`
FROM taxi_trips
WHERE ${UNUSABLE_ROW("pickup_ts")}`,
  ];
}

function sourceTable(config: JobConfig): string {
  // Only the fields the job reads: other fields are skipped whole by the json format, while
  // a declared column given an object or array can lose the reader its place in the record
  // (JsonParserToRowDataConverters: a field whose conversion fails is NULL, and the parser
  // goes on inside the object). Bad records are skipped and counted, never fatal: ingest
  // validates nothing while analytics is on, and one record must not stop the map.
  const columns = Object.entries(TRIP_COLUMNS).map(([name, type]) => `  \`${name}\` ${type},`);
  return `CREATE TABLE taxi_trips (
${columns.join("\n")}
  pickup_ts AS ${rowtimeExpression("  ")},
  trip_seconds AS ${tripSecondsExpression("  ")},
  WATERMARK FOR pickup_ts AS pickup_ts - INTERVAL '${config.outOfOrdernessSeconds}' SECOND
) WITH (
  'connector' = 'kinesis-legacy',
  'stream' = '\${stream}',
  'aws.region' = '\${region}',
  'scan.stream.initpos' = '\${initialPosition}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
)`;
}

/**
 * A results table keyed by (key, windowStart), written to the results stream as JSON. The
 * columns are the OpenSearch documents' fields (named as the engine's HotSpot and
 * AirportDuration, and the index templates), plus the index they belong in; the indexer
 * gives each document the id "<key>_<window start>", so a restarted job overwrites what it
 * wrote before instead of adding copies. ISO-8601 timestamps ("2009-01-24T12:00:00", UTC
 * by the session time zone) are what the index templates' date format reads.
 */
function resultsSinkTable(table: string, key: string, columns: string[]): string {
  return `CREATE TABLE ${table} (
  \`${RESULT_INDEX_FIELD}\` STRING,
  \`${key}\` STRING,
${columns.map((column) => `  ${column},\n`).join("")}  \`windowStart\` TIMESTAMP(3),
  \`windowEnd\` TIMESTAMP(3),
  PRIMARY KEY (\`${key}\`, \`windowStart\`) NOT ENFORCED
) WITH (
  'connector' = 'kinesis',
  'stream.arn' = '\${resultsStreamArn}',
  'aws.region' = '\${region}',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601'
)`;
}

/** Edges included, as insideBox() of the engine. */
function inside(box: BoundingBox, end: "pickup" | "dropoff"): string {
  return (
    `\`${end}Longitude\` BETWEEN ${box.west} AND ${box.east}` +
    ` AND \`${end}Latitude\` BETWEEN ${box.south} AND ${box.north}`
  );
}

const PLACEHOLDER = /\$\{([A-Za-z]+)\}/g;

/**
 * The statements with their placeholders replaced; throws naming a placeholder without a
 * value, and rejects values that would break out of a SQL string literal.
 */
export function fillPlaceholders(
  statements: readonly string[],
  values: Partial<Record<SqlPlaceholder, string>>,
): string[] {
  return statements.map((sql) =>
    sql.replace(PLACEHOLDER, (_, name: string) => {
      const value = (values as Record<string, string | undefined>)[name];
      if (value === undefined || value === "") {
        const purpose = (SQL_PLACEHOLDERS as Record<string, string>)[name] ?? "unknown placeholder";
        throw new Error(`the application property ${name} (${purpose}) is missing`);
      }
      if (value.includes("'")) throw new Error(`the application property ${name} is ${value}, allowed: no quote (')`);
      return value;
    }),
  );
}
