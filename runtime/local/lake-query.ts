/**
 * `npm run lake:query -- "<SQL>"`: SQL over the local lake with DuckDB (embedded, from npm),
 * under the table names Athena has (infra/lake/glue-tables.ts): for each table directory of
 * the lake, its raw tables `<name>_segments` (tables/) and `<name>_compacted` (compacted/; an
 * empty stand-in with the same columns until the compactor has written a part) and the view
 * users query under `<name>`, built by the same SQL builder as Athena's (lake-views.ts) over
 * `lake_compaction` (the state object, or an empty stand-in); and the dead letters. Partitions
 * are read from the objects' paths as Athena's projection reads them (tenant, date and hour as
 * text). The local S3 server keeps each object as a file named `<key>._S3rver_object`, which
 * the views read directly.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { COMPACTED_PREFIX, COMPACTION_STATE_KEY, DEAD_LETTERS_PREFIX, TABLES_PREFIX } from "../lake/object-keys";
import { DEAD_LETTER_TABLE, PARTITION_COLUMNS } from "../lake/lake-tables";
import {
  COMPACTION_STATE_COLUMNS,
  COMPACTION_STATE_TABLE,
  compactedTable,
  lakeViewSql,
  quoted,
  segmentsTable,
} from "../lake/lake-views";
import { localLakeDirectory } from "./lake-child";
import { resolveStateDir } from "../common/stack-file";

/** How s3rver names the file of an object (s3rver lib/stores/filesystem.js). */
export const S3RVER_OBJECT_SUFFIX = "._S3rver_object";

/** Partition values as text, as the Glue tables declare them. */
const HIVE = "hive_partitioning = true, hive_types = {'tenant': VARCHAR, 'date': VARCHAR, 'hour': VARCHAR}";

/** The dead letters' keys (camelCase JSON) under the Glue table's column names. */
const DEAD_LETTER_SELECT =
  "shardId AS shard_id, sequenceNumber AS sequence_number, subSequenceNumber AS sub_sequence_number, " +
  "partitionKey AS partition_key, arrivalTime AS arrival_time, reason, data, tenant, date, hour";

/** The schema DuckDB creates views in: what the lake views name as their database. */
const LOCAL_SCHEMA = "main";

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

const tableNamesUnder = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

/** The tables users query in `lakeDir` (a view per table directory of either side, then the dead letters), and the raw ones. */
export function localTableNames(lakeDir: string): { views: string[]; raw: string[] } {
  const views = [
    ...new Set([
      ...tableNamesUnder(path.join(lakeDir, TABLES_PREFIX)),
      ...tableNamesUnder(path.join(lakeDir, COMPACTED_PREFIX)),
    ]),
  ].sort();
  const dead = existsSync(path.join(lakeDir, DEAD_LETTERS_PREFIX)) ? [DEAD_LETTER_TABLE] : [];
  const raw =
    views.length > 0 ? [...views.flatMap((v) => [segmentsTable(v), compactedTable(v)]), COMPACTION_STATE_TABLE] : [];
  return { views: [...views, ...dead], raw };
}

const parquetSource = (dir: string) =>
  `read_parquet(${sqlText(path.join(dir, "**", `*.parquet${S3RVER_OBJECT_SUFFIX}`))}, ${HIVE}, union_by_name = true)`;

const hasObjects = (dir: string): boolean =>
  existsSync(dir) &&
  readdirSync(dir, { recursive: true, encoding: "utf8" }).some((f) => f.endsWith(`.parquet${S3RVER_OBJECT_SUFFIX}`));

async function columnsOf(connection: DuckDBConnection, table: string): Promise<{ name: string; type: string }[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${quoted(table)}`);
  return reader.getRowsJson().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
}

/**
 * Creates every table of the lake in `lakeDir` on `connection` under Athena's names: for each
 * view its two sides with the same columns (a column only one side's objects have reads as
 * NULL on the other, as Athena reads a column an object lacks), the state, the view; then the
 * dead letters. Returns the names users query.
 */
export async function createLakeTables(connection: DuckDBConnection, lakeDir: string): Promise<string[]> {
  const { views } = localTableNames(lakeDir);
  const partitions = new Set<string>(PARTITION_COLUMNS.map((p) => p.name));
  const statePath = path.join(lakeDir, `${COMPACTION_STATE_KEY}${S3RVER_OBJECT_SUFFIX}`);
  const stateColumns = COMPACTION_STATE_COLUMNS.map((c) => `${c}: 'VARCHAR'`).join(", ");
  await connection.run(
    existsSync(statePath)
      ? `CREATE OR REPLACE VIEW ${quoted(COMPACTION_STATE_TABLE)} AS SELECT * FROM read_json(${sqlText(statePath)}, format = 'newline_delimited', columns = {${stateColumns}})`
      : `CREATE OR REPLACE VIEW ${quoted(COMPACTION_STATE_TABLE)} AS SELECT ${COMPACTION_STATE_COLUMNS.map((c) => `CAST(NULL AS VARCHAR) AS ${quoted(c)}`).join(", ")} WHERE false`,
  );
  for (const view of views.filter((v) => v !== DEAD_LETTER_TABLE)) {
    const sides = [
      { table: segmentsTable(view), dir: path.join(lakeDir, TABLES_PREFIX, view) },
      { table: compactedTable(view), dir: path.join(lakeDir, COMPACTED_PREFIX, view) },
    ];
    const present = sides.filter((s) => hasObjects(s.dir));
    if (present.length === 0) continue;
    for (const side of present) {
      await connection.run(`CREATE OR REPLACE VIEW ${quoted(side.table)} AS SELECT * FROM ${parquetSource(side.dir)}`);
    }
    // Every column either side has, in the order the first side lists them.
    const described = await Promise.all(present.map((s) => columnsOf(connection, s.table)));
    const all = new Map<string, string>();
    for (const columns of described) for (const c of columns) if (!all.has(c.name)) all.set(c.name, c.type);
    for (const [i, side] of present.entries()) {
      const missing = [...all].filter(([name]) => !described[i].some((c) => c.name === name));
      if (missing.length === 0) continue;
      const nulls = missing.map(([name, type]) => `CAST(NULL AS ${type}) AS ${quoted(name)}`).join(", ");
      await connection.run(
        `CREATE OR REPLACE VIEW ${quoted(side.table)} AS SELECT *, ${nulls} FROM ${parquetSource(side.dir)}`,
      );
    }
    // A side without objects: an empty stand-in with the other's columns.
    for (const side of sides.filter((s) => !present.includes(s))) {
      await connection.run(
        `CREATE OR REPLACE VIEW ${quoted(side.table)} AS SELECT * FROM ${quoted(present[0].table)} WHERE false`,
      );
    }
    const columns = [...all.keys()].filter((c) => !partitions.has(c));
    await connection.run(
      `CREATE OR REPLACE VIEW ${quoted(view)} AS ${lakeViewSql({ database: LOCAL_SCHEMA, view, columns })}`,
    );
  }
  const deadDir = path.join(lakeDir, DEAD_LETTERS_PREFIX);
  if (existsSync(deadDir)) {
    const glob = path.join(deadDir, "**", `*.jsonl${S3RVER_OBJECT_SUFFIX}`);
    await connection.run(
      `CREATE OR REPLACE VIEW ${quoted(DEAD_LETTER_TABLE)} AS SELECT ${DEAD_LETTER_SELECT} FROM read_json_auto(${sqlText(glob)}, format = 'newline_delimited', ${HIVE})`,
    );
  }
  return views;
}

/** Runs `sql` over the lake in `lakeDir`: its column names and rows (values as DuckDB's JSON gives them). */
export async function queryLake(lakeDir: string, sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await createLakeTables(connection, lakeDir);
    const reader = await connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  const sql = process.argv.slice(2).join(" ").trim();
  const lakeDir = localLakeDirectory(resolveStateDir(process.env.LOCAL_STATE_DIR, process.cwd()));
  if (!sql || sql === "--help" || sql === "-h") {
    console.log(
      [
        'Usage: npm run lake:query -- "<SQL>"',
        "",
        `Queries the local lake (${lakeDir}) with DuckDB under Athena's table names, e.g.`,
        `  npm run lake:query -- "SELECT tenant, count(*) FROM records GROUP BY tenant"`,
        "Tables: " + (localTableNames(lakeDir).views.join(", ") || "none yet"),
        ...(localTableNames(lakeDir).raw.length > 0
          ? [`Raw tables under the views: ${localTableNames(lakeDir).raw.join(", ")}`]
          : []),
      ].join("\n"),
    );
    return;
  }
  if (!existsSync(lakeDir)) {
    throw new Error(`no local lake at ${lakeDir}: start the local stack (npm start) and send it records first`);
  }
  const { columns, rows } = await queryLake(lakeDir, sql);
  console.log(columns.join("\t"));
  for (const row of rows) console.log(row.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\t"));
  console.error(`(${rows.length} row${rows.length === 1 ? "" : "s"})`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
