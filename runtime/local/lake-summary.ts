/**
 * What the live page shows of the local lake: Parquet objects and rows per tenant (rows from
 * each object's footer, through DuckDB), dead letters per tenant, and the newest object's age
 * (how long since the lake last grew: about LOCAL_LAKE_ROLL_SECONDS while records arrive).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { DEAD_LETTERS_PREFIX, TABLES_PREFIX } from "../lake/object-keys";
import { queryLake, S3RVER_OBJECT_SUFFIX } from "./lake-query";

export interface LakeTenantRow {
  tenant: string;
  objects: number;
  rows: number;
  deadLetters: number;
}

export interface LakeSummary {
  tenants: LakeTenantRow[];
  /** Milliseconds since the newest object was written; unset while the lake is empty. */
  newestObjectAgeMs?: number;
}

/** Every object file under `dir`, with its modification time. */
function objectFiles(dir: string): { file: string; mtimeMs: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return objectFiles(p);
    return e.name.endsWith(S3RVER_OBJECT_SUFFIX) ? [{ file: p, mtimeMs: statSync(p).mtimeMs }] : [];
  });
}

/** The tenant of an object from its path (`.../tenant=<t>/...`). */
function tenantOfPath(file: string): string | undefined {
  return /[/\\]tenant=([^/\\]+)[/\\]/.exec(file)?.[1];
}

export async function lakeSummary(lakeDir: string, now: number): Promise<LakeSummary> {
  const tables = objectFiles(path.join(lakeDir, TABLES_PREFIX));
  const dead = objectFiles(path.join(lakeDir, DEAD_LETTERS_PREFIX));
  const byTenant = new Map<string, LakeTenantRow>();
  const row = (tenant: string) => {
    let r = byTenant.get(tenant);
    if (!r) byTenant.set(tenant, (r = { tenant, objects: 0, rows: 0, deadLetters: 0 }));
    return r;
  };
  for (const { file } of tables) {
    const tenant = tenantOfPath(file);
    if (tenant) row(tenant).objects++;
  }
  if (tables.length > 0) {
    const glob = path.join(lakeDir, TABLES_PREFIX, "**", `*.parquet${S3RVER_OBJECT_SUFFIX}`).replace(/'/g, "''");
    const { rows } = await queryLake(
      lakeDir,
      `SELECT tenant, count(*) FROM read_parquet('${glob}', hive_partitioning = true, ` +
        `hive_types = {'tenant': VARCHAR}, union_by_name = true) GROUP BY tenant`,
    );
    for (const [tenant, n] of rows) row(String(tenant)).rows = Number(n);
  }
  if (dead.length > 0) {
    const { rows } = await queryLake(lakeDir, "SELECT tenant, count(*) FROM dead_letters GROUP BY tenant");
    for (const [tenant, n] of rows) row(String(tenant)).deadLetters = Number(n);
  }
  const newest = Math.max(...[...tables, ...dead].map((f) => f.mtimeMs));
  return {
    tenants: [...byTenant.values()].sort((a, b) => a.tenant.localeCompare(b.tenant)),
    newestObjectAgeMs: Number.isFinite(newest) ? Math.max(0, now - newest) : undefined,
  };
}
