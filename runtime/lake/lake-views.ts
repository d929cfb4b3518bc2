/**
 * The views users query under the lake's table names (`records`, `taxi_trip`, ...): each
 * reads every hour from exactly one side, the segment objects (`<name>_segments`, under
 * tables/) or the compacted parts (`<name>_compacted`, under compacted/), by comparing the
 * hour with the compaction state (`lake_compaction`, one row: compaction/compaction-state.ts).
 * The state table is referenced once, so a query reads one value of it, and the compactor
 * moves it only after every part of an hour is stored (COMPACTION.md): no row is missed or
 * read twice, during compaction or after. No state yet: '' is before every hour, so every
 * hour comes from the segments.
 *
 * One builder for Athena (the Glue view, infra/lake/glue-tables.ts) and for DuckDB (the
 * local query, runtime/local/lake-query.ts): both run this text.
 */
import { COMPACTED_BEFORE_COLUMN } from "./compaction/compaction-state";
import { PARTITION_COLUMNS } from "./lake-tables";

/** The raw table of a view's segment objects. */
export const SEGMENTS_SUFFIX = "_segments";
/** The raw table of a view's compacted parts. */
export const COMPACTED_SUFFIX = "_compacted";
/** The table of the compaction state (JSON lines under compaction/state/). */
export const COMPACTION_STATE_TABLE = "lake_compaction";
/** The state's columns: the hour keys (`YYYY-MM-DD HH`) of compaction-state.ts. */
export const COMPACTION_STATE_COLUMNS = [COMPACTED_BEFORE_COLUMN, "tagged_before"] as const;

/** Which side a row came from inside the view: never one of a table's columns (those are snake_case names of properties). */
const SIDE = "lake_side";

export const segmentsTable = (view: string): string => `${view}${SEGMENTS_SUFFIX}`;
export const compactedTable = (view: string): string => `${view}${COMPACTED_SUFFIX}`;

/** A quoted identifier: `date` and `hour` are reserved words in Athena's SQL (reserved-words.html). */
export function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface LakeViewArgs {
  /** The database (Athena) or schema (DuckDB) that holds the raw tables. */
  database: string;
  /** The view's name: the table name users query. */
  view: string;
  /** The table's data columns in order (without the partition columns, which the view appends). */
  columns: readonly string[];
}

/** The view's SELECT: every column, then tenant, date and hour, each hour from one side. */
export function lakeViewSql(args: LakeViewArgs): string {
  const partitions = PARTITION_COLUMNS.map((p) => p.name);
  const reserved = new Set<string>([...partitions, SIDE]);
  const clash = args.columns.find((c) => reserved.has(c));
  if (clash !== undefined) {
    throw new Error(
      `view ${args.view}: column ${JSON.stringify(clash)} is one the view adds itself (${[...reserved].join(", ")}); list data columns only`,
    );
  }
  if (args.columns.length === 0) throw new Error(`view ${args.view}: a lake table has at least one data column`);
  const all = [...args.columns, ...partitions].map(quoted);
  const from = (table: string) => `${quoted(args.database)}.${quoted(table)}`;
  const state = quoted(COMPACTED_BEFORE_COLUMN);
  return [
    `SELECT ${all.map((c) => `r.${c}`).join(", ")}`,
    "FROM (",
    `  SELECT ${all.join(", ")}, 's' AS ${SIDE} FROM ${from(segmentsTable(args.view))}`,
    "  UNION ALL",
    `  SELECT ${all.join(", ")}, 'c' AS ${SIDE} FROM ${from(compactedTable(args.view))}`,
    ") r",
    `CROSS JOIN (SELECT coalesce(max(${state}), '') AS ${state} FROM ${from(COMPACTION_STATE_TABLE)}) s`,
    `WHERE (r.${SIDE} = 'c') = (concat(r."date", ' ', r."hour") < s.${state})`,
  ].join("\n");
}
