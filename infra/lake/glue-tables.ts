/**
 * The lake's tables as the Glue Data Catalog holds them. Users query one view per schema the
 * stack ships and one for the generic table (runtime/lake/lake-views.ts), each over two raw
 * tables: `<name>_segments` (the writer's objects) and `<name>_compacted` (the compactor's
 * parts), and the compaction state's table that says which hours each side answers. The dead
 * letters are one raw table (never compacted). Raw tables have the columns the lake writer
 * stores (runtime/lake/lake-tables.ts) and partition projection over the objects' path
 * (runtime/lake/object-keys.ts), so a new tenant, date or hour is queryable the moment its
 * first object lands: no crawler, no MSCK REPAIR, no partition in the catalog.
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
 *
 * Pure: the Lake component turns each into an aws.glue.CatalogTable.
 */
import { Column, glueType, prestoType } from "../../runtime/lake/columns";
import {
  COMPACTION_STATE_COLUMNS,
  COMPACTION_STATE_TABLE,
  compactedTable,
  lakeViewSql,
  segmentsTable,
} from "../../runtime/lake/lake-views";
import {
  DEAD_LETTER_TABLE,
  GENERIC_TABLE,
  GENERIC_TABLE_COLUMNS,
  PARTITION_COLUMNS,
  schemaTableColumns,
  schemaTableName,
  tableColumnsAcrossVersions,
} from "../../runtime/lake/lake-tables";
import {
  COMPACTION_STATE_KEY,
  compactedTablePrefix,
  DEAD_LETTERS_PREFIX,
  tablePrefix,
} from "../../runtime/lake/object-keys";

/**
 * Parquet through Hive's SerDe, as Athena's own CREATE TABLE ... STORED AS PARQUET records it:
 * https://docs.aws.amazon.com/athena/latest/ug/parquet-serde.html
 */
export const PARQUET_STORAGE = {
  inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
} as const;

/**
 * JSON lines through the OpenX JSON SerDe, its `mapping.` parameters naming the writer's
 * camelCase keys: https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html
 */
export const JSON_LINES_STORAGE = {
  inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
} as const;

/** The dead letters' fields (runtime/lake/lake-rows.ts LakeDeadLetter) as columns. */
export const DEAD_LETTER_COLUMNS: readonly { name: string; key: string; type: string }[] = [
  { name: "shard_id", key: "shardId", type: "string" },
  { name: "sequence_number", key: "sequenceNumber", type: "string" },
  { name: "sub_sequence_number", key: "subSequenceNumber", type: "bigint" },
  { name: "partition_key", key: "partitionKey", type: "string" },
  { name: "arrival_time", key: "arrivalTime", type: "string" },
  { name: "reason", key: "reason", type: "string" },
  { name: "data", key: "data", type: "string" },
];

/**
 * The first day the date projection covers: no lake object is older than the lake (this
 * program's lake shipped in 2026). Athena enumerates the range only as far as the query's
 * date condition allows, so an early start costs nothing.
 */
export const DATE_RANGE_START = "2026-01-01";

/**
 * Partition projection over `tenant=<t>/date=<d>/hour=<h>/`:
 * - tenant is `injected`: tenants are created while the stack runs, without a deploy,
 *   and may be many, so no list of them can live in the table; a query names its tenants
 *   (`WHERE tenant = 'acme'` or `IN (...)`), which is also how one tenant's analyst reads
 *   only that tenant's objects. An injected value is whatever the query names, so the
 *   partition of corrupt KPL aggregates' dead letters, `_mixed` (MIXED_TENANTS, which no
 *   tenant id can be), reads like a tenant's: `WHERE tenant = '_mixed'`.
 *   https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html
 * - date is a `date` projection (yyyy-MM-dd, up to NOW), hour an `integer` one 0..23 with two
 *   digits, as timePartitionOf writes them (UTC).
 *   https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
 */
export function projectionParameters(location: string): Record<string, string> {
  return {
    "projection.enabled": "true",
    "projection.tenant.type": "injected",
    "projection.date.type": "date",
    "projection.date.format": "yyyy-MM-dd",
    "projection.date.range": `${DATE_RANGE_START},NOW`,
    "projection.date.interval": "1",
    "projection.date.interval.unit": "DAYS",
    "projection.hour.type": "integer",
    "projection.hour.range": "0,23",
    "projection.hour.digits": "2",
    "storage.location.template": `${location}tenant=\${tenant}/date=\${date}/hour=\${hour}/`,
  };
}

export interface GlueColumn {
  name: string;
  type: string;
}

/** A table of the lake, as aws.glue.CatalogTable takes it (less the database). */
export interface LakeTableDefinition {
  name: string;
  description: string;
  /** Where its objects are, ending in "/". */
  location: string;
  columns: GlueColumn[];
  partitionKeys: GlueColumn[];
  format: "parquet" | "json-lines";
  parameters: Record<string, string>;
  /** SerDe parameters (JSON lines: the key of each column). */
  serdeParameters?: Record<string, string>;
}

const partitionKeys = (): GlueColumn[] => PARTITION_COLUMNS.map((p) => ({ name: p.name, type: p.glue }));

function parquetTable(name: string, description: string, location: string, columns: GlueColumn[]): LakeTableDefinition {
  return {
    name,
    description,
    location,
    columns,
    partitionKeys: partitionKeys(),
    format: "parquet",
    parameters: { classification: "parquet", EXTERNAL: "TRUE", ...projectionParameters(location) },
  };
}

/** A schema the stack ships: its name and its definitions, oldest first (one per version). */
export interface LakeSchema {
  name: string;
  definitions: readonly string[];
}

/** A table users query (a view over its segments and compacted tables): its name, what it holds, its columns. */
interface ViewShape {
  name: string;
  holds: string;
  columns: readonly Column[];
}

/** The views' shapes: one per schema (its columns across its versions), and the generic table. */
function viewShapes(schemas: readonly LakeSchema[]): ViewShape[] {
  const names = new Map<string, string>();
  const schemaTables = schemas.map((schema) => {
    const table = schemaTableName(schema.name);
    const other = names.get(table);
    if (other !== undefined) {
      throw new Error(`schemas ${other} and ${schema.name} both make the lake table ${table}: rename one`);
    }
    names.set(table, schema.name);
    return {
      name: table,
      holds: `Records written with schema ${schema.name}, one row each, by tenant, date and hour of arrival`,
      columns: tableColumnsAcrossVersions(schema.definitions.map((d) => schemaTableColumns(d))),
    };
  });
  const generic = {
    name: GENERIC_TABLE,
    holds: "Records written without a schema: their data as JSON text, by tenant, date and hour of arrival",
    columns: GENERIC_TABLE_COLUMNS,
  };
  return [...schemaTables, generic];
}

/** The compaction state's columns (runtime/lake/compaction/compaction-state.ts): hour keys as text. */
export const COMPACTION_STATE_GLUE_COLUMNS: readonly GlueColumn[] = COMPACTION_STATE_COLUMNS.map((name) => ({
  name,
  type: "string",
}));

/**
 * Every raw table of the lake in `bucket`: for each view (one per schema, with its columns
 * across its versions, so objects of every version read; a column older objects lack reads
 * as NULL, and the generic table) its segments' and its compacted parts' tables; the
 * compaction state; and the dead letters.
 */
export function lakeTables(bucket: string, schemas: readonly LakeSchema[]): LakeTableDefinition[] {
  const raw = viewShapes(schemas).flatMap((v) => {
    const columns = v.columns.map((c) => ({ name: c.name, type: glueType(c.type) }));
    return [
      parquetTable(
        segmentsTable(v.name),
        `${v.holds}: the writer's objects (query ${v.name}, which reads each hour from here or the compacted parts)`,
        `s3://${bucket}/${tablePrefix(v.name)}`,
        columns,
      ),
      parquetTable(
        compactedTable(v.name),
        `${v.holds}: closed hours merged into large parts (query ${v.name}, which reads each hour from here or the segments)`,
        `s3://${bucket}/${compactedTablePrefix(v.name)}`,
        columns,
      ),
    ];
  });
  const stateFolder = COMPACTION_STATE_KEY.slice(0, COMPACTION_STATE_KEY.lastIndexOf("/") + 1);
  const state: LakeTableDefinition = {
    name: COMPACTION_STATE_TABLE,
    description: "The lake compactor's state, one row: hours before compacted_before are read from the compacted parts",
    location: `s3://${bucket}/${stateFolder}`,
    columns: [...COMPACTION_STATE_GLUE_COLUMNS],
    partitionKeys: [],
    format: "json-lines",
    parameters: { classification: "json", EXTERNAL: "TRUE" },
    serdeParameters: {},
  };
  const deadLocation = `s3://${bucket}/${DEAD_LETTERS_PREFIX}`;
  const deadLetters: LakeTableDefinition = {
    name: DEAD_LETTER_TABLE,
    description: "Records the lake could not store as rows, with the reason and their bytes (base64)",
    location: deadLocation,
    columns: DEAD_LETTER_COLUMNS.map(({ name, type }) => ({ name, type })),
    partitionKeys: partitionKeys(),
    format: "json-lines",
    parameters: { classification: "json", EXTERNAL: "TRUE", ...projectionParameters(deadLocation) },
    serdeParameters: Object.fromEntries(DEAD_LETTER_COLUMNS.map((c) => [`mapping.${c.name}`, c.key])),
  };
  return [...raw, state, deadLetters];
}

/** The catalog that Athena's views name for the Glue Data Catalog. */
export const ATHENA_CATALOG = "awsdatacatalog";

/** A view as the Glue Data Catalog holds one Athena made (a VIRTUAL_VIEW), less the database. */
export interface LakeViewDefinition {
  name: string;
  description: string;
  /** Hive types, as Glue lists a view's columns (its data columns, then tenant, date, hour). */
  columns: GlueColumn[];
  /** `/* Presto View: <base64 of the view's JSON> *\/`: what Athena reads the view from. */
  viewOriginalText: string;
  viewExpandedText: string;
  parameters: Record<string, string>;
}

/**
 * The view JSON Athena stores for CREATE VIEW: the SQL, the catalog and database it runs in,
 * and its columns with Trino type names, base64 inside a comment, with presto_view=true (which
 * Athena engine version 3 needs to read it as its own view, not a Hive view). As Athena writes
 * it: https://docs.aws.amazon.com/athena/latest/ug/views.html (views in the Glue Data Catalog);
 * the same encoding Trino's Hive connector decodes (trino-hive ViewReaderUtil, "/* Presto View: ").
 */
export function prestoViewText(args: {
  database: string;
  sql: string;
  columns: { name: string; type: string }[];
}): string {
  const view = { originalSql: args.sql, catalog: ATHENA_CATALOG, schema: args.database, columns: args.columns };
  return `/* Presto View: ${Buffer.from(JSON.stringify(view), "utf8").toString("base64")} */`;
}

/** The views users query under the lake's table names, in `database`. */
export function lakeViews(database: string, schemas: readonly LakeSchema[]): LakeViewDefinition[] {
  return viewShapes(schemas).map((v) => {
    // Partition values are text (the projection's path segments).
    const partitions = PARTITION_COLUMNS.map((p) => ({
      name: p.name,
      hive: p.glue,
      presto: prestoType({ kind: "string" }),
    }));
    const sql = lakeViewSql({ database, view: v.name, columns: v.columns.map((c) => c.name) });
    return {
      name: v.name,
      description: `${v.holds}; each closed hour from its compacted parts once the compactor has merged it, otherwise from the writer's objects`,
      columns: [
        ...v.columns.map((c) => ({ name: c.name, type: glueType(c.type) })),
        ...partitions.map((p) => ({ name: p.name, type: p.hive })),
      ],
      viewOriginalText: prestoViewText({
        database,
        sql,
        columns: [
          ...v.columns.map((c) => ({ name: c.name, type: prestoType(c.type) })),
          ...partitions.map((p) => ({ name: p.name, type: p.presto })),
        ],
      }),
      viewExpandedText: "/* Presto View */",
      parameters: { presto_view: "true", comment: "Presto View" },
    };
  });
}
