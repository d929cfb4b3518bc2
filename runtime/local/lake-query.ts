/**
 * `npm run lake:query -- "<SQL>"`: SQL over the local lake with DuckDB (embedded, from npm),
 * under the table names Athena has (infra/lake/glue-tables.ts): one view per table directory
 * of the lake, its partitions read from the objects' paths as Athena's projection reads them
 * (tenant, date and hour as text). The local S3 server keeps each object as a file named
 * `<key>._S3rver_object`, which the views read directly.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { DEAD_LETTERS_PREFIX, TABLES_PREFIX } from "../lake/object-keys";
import { DEAD_LETTER_TABLE } from "../lake/lake-tables";
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

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The views over the lake in `lakeDir`: one per table directory that holds an object, and the dead letters. */
export function lakeViews(lakeDir: string): string[] {
  const views: string[] = [];
  const tablesDir = path.join(lakeDir, TABLES_PREFIX);
  if (existsSync(tablesDir)) {
    for (const table of readdirSync(tablesDir).sort()) {
      const glob = path.join(tablesDir, table, "**", `*.parquet${S3RVER_OBJECT_SUFFIX}`);
      views.push(
        `CREATE OR REPLACE VIEW ${ident(table)} AS SELECT * FROM read_parquet(${sqlText(glob)}, ${HIVE}, union_by_name = true)`,
      );
    }
  }
  const deadDir = path.join(lakeDir, DEAD_LETTERS_PREFIX);
  if (existsSync(deadDir)) {
    const glob = path.join(deadDir, "**", `*.jsonl${S3RVER_OBJECT_SUFFIX}`);
    views.push(
      `CREATE OR REPLACE VIEW ${ident(DEAD_LETTER_TABLE)} AS SELECT ${DEAD_LETTER_SELECT} FROM read_json_auto(${sqlText(glob)}, format = 'newline_delimited', ${HIVE})`,
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
    for (const view of lakeViews(lakeDir)) await connection.run(view);
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
        "Tables: " +
          (lakeViews(lakeDir).length
            ? lakeViews(lakeDir)
                .map((v) => v.split(" ")[4])
                .join(", ")
            : "none yet"),
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
