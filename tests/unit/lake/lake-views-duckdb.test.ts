/**
 * The view text run by DuckDB over Parquet objects the writer's encoder makes: with no state
 * every hour is read from the segments; with a state, hours before it only from the compacted
 * parts, the others only from the segments; never both.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compactionStateBody } from "../../../runtime/lake/compaction/compaction-state";
import { GENERIC_TABLE_COLUMNS } from "../../../runtime/lake/lake-tables";
import { lakeViewSql } from "../../../runtime/lake/lake-views";
import { parquetObject } from "../../../runtime/lake/parquet-object";

type Side = "segments" | "compacted";

describe("lake views in DuckDB", function () {
  this.timeout(30_000);
  let dir: string;

  const row = (hour: string, seq: string, data: string) => ({
    arrival_time: new Date(`2026-12-07T${hour}:30:00Z`),
    partition_key: "acme|k",
    shard_id: "shardId-000000000000",
    sequence_number: seq,
    sub_sequence_number: 0n,
    data,
  });

  /** Writes one object of `rows` for hour `hour` on `side` (the data says which side, so the test can tell). */
  function put(root: string, side: Side, hour: string, name: string, seqs: string[]): void {
    const folder = path.join(root, side, "tenant=acme", "date=2026-12-07", `hour=${hour}`);
    mkdirSync(folder, { recursive: true });
    const rows = seqs.map((s) => row(hour, s, side));
    writeFileSync(path.join(folder, `${name}.parquet`), parquetObject(GENERIC_TABLE_COLUMNS, rows));
  }

  /** Rows per (hour, side) the view returns, with the state `state` (none: no object). */
  async function read(root: string, state?: string): Promise<string[]> {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const hive = "hive_partitioning = true, hive_types = {'tenant': VARCHAR, 'date': VARCHAR, 'hour': VARCHAR}";
    const columns = GENERIC_TABLE_COLUMNS.map((c) => c.name);
    try {
      await connection.run("CREATE SCHEMA lake");
      for (const side of ["segments", "compacted"] as const) {
        await connection.run(
          `CREATE VIEW lake.records_${side} AS SELECT * FROM read_parquet('${path.join(root, side)}/**/*.parquet', ${hive})`,
        );
      }
      const statePath = path.join(root, "state.json");
      if (state !== undefined) {
        writeFileSync(statePath, compactionStateBody({ compacted_before: state, tagged_before: state }));
        await connection.run(
          `CREATE VIEW lake.lake_compaction AS SELECT * FROM read_json('${statePath}', format = 'newline_delimited', columns = {compacted_before: 'VARCHAR', tagged_before: 'VARCHAR'})`,
        );
      } else {
        await connection.run(
          "CREATE VIEW lake.lake_compaction AS SELECT CAST(NULL AS VARCHAR) AS compacted_before, CAST(NULL AS VARCHAR) AS tagged_before WHERE false",
        );
      }
      await connection.run(`CREATE VIEW records AS ${lakeViewSql({ database: "lake", view: "records", columns })}`);
      const reader = await connection.runAndReadAll(
        "SELECT hour || ' ' || data || ' ' || string_agg(sequence_number, ',' ORDER BY sequence_number) FROM records GROUP BY hour, data ORDER BY 1",
      );
      return reader.getRowsJson().map((r) => String(r[0]));
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "lake-views-"));
    // Hour 05 is compacted (two segment objects -> one part), hour 06 is being compacted
    // (its part is stored, the state not yet moved), hour 07 is open.
    put(dir, "segments", "05", "a", ["1", "2"]);
    put(dir, "segments", "05", "b", ["3"]);
    put(dir, "segments", "06", "a", ["4"]);
    put(dir, "segments", "07", "a", ["5"]);
    put(dir, "compacted", "05", "part-0-of-1", ["1", "2", "3"]);
    put(dir, "compacted", "06", "part-0-of-1", ["4"]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("with no state, reads every hour from the segments", async () => {
    expect(await read(dir)).to.deep.equal(["05 segments 1,2,3", "06 segments 4", "07 segments 5"]);
  });

  it("with a state, reads the hours before it from the compacted parts only, the rest from the segments only", async () => {
    expect(await read(dir, "2026-12-07 06")).to.deep.equal(["05 compacted 1,2,3", "06 segments 4", "07 segments 5"]);
  });

  it("once the state passes an hour its parts answer, even after its segment objects expired", async () => {
    rmSync(path.join(dir, "segments", "tenant=acme", "date=2026-12-07", "hour=05"), { recursive: true });
    rmSync(path.join(dir, "segments", "tenant=acme", "date=2026-12-07", "hour=06"), { recursive: true });
    expect(await read(dir, "2026-12-07 07")).to.deep.equal(["05 compacted 1,2,3", "06 compacted 4", "07 segments 5"]);
  });
});
