/**
 * The queries the lake's Athena workgroup keeps for its users: the first one to run, and the
 * ones that answer "is the lake filling?". `date` is a reserved word in Athena's SQL and is
 * quoted; every query names a tenant (the tenant partition is injected: glue-tables.ts).
 * https://docs.aws.amazon.com/athena/latest/ug/reserved-words.html
 */
import { DEAD_LETTER_TABLE, GENERIC_TABLE } from "../../runtime/lake/lake-tables";
import { UNTENANTED } from "../../runtime/stream/tenant-key";

/** The tenant of records written without one: what the examples name, until a user puts theirs. */
export const EXAMPLE_TENANT = UNTENANTED;

export interface NamedQueryDefinition {
  name: string;
  description: string;
  query: string;
}

export function namedQueries(): NamedQueryDefinition[] {
  const today = `"date" = CAST(current_date AS varchar)`;
  return [
    {
      name: "lake-first-query",
      description: "Today's newest records of a tenant (the generic table: records without a schema)",
      query: `SELECT arrival_time, partition_key, data\nFROM ${GENERIC_TABLE}\nWHERE tenant = '${EXAMPLE_TENANT}' AND ${today}\nORDER BY arrival_time DESC\nLIMIT 20`,
    },
    {
      name: "lake-rows-per-hour",
      description: "Rows of a tenant per hour today, in the generic table",
      query: `SELECT hour, count(*) AS rows\nFROM ${GENERIC_TABLE}\nWHERE tenant = '${EXAMPLE_TENANT}' AND ${today}\nGROUP BY hour\nORDER BY hour`,
    },
    {
      name: "lake-dead-letters",
      description: "Why a tenant's records could not be stored as rows today",
      query: `SELECT reason, count(*) AS records\nFROM ${DEAD_LETTER_TABLE}\nWHERE tenant = '${EXAMPLE_TENANT}' AND ${today}\nGROUP BY reason\nORDER BY records DESC`,
    },
    {
      name: "lake-duplicates",
      description: "Places in the stream stored more than once for a tenant today (the lake's promise: none)",
      query: `SELECT shard_id, sequence_number, sub_sequence_number, count(*) AS copies\nFROM ${GENERIC_TABLE}\nWHERE tenant = '${EXAMPLE_TENANT}' AND ${today}\nGROUP BY shard_id, sequence_number, sub_sequence_number\nHAVING count(*) > 1`,
    },
  ];
}
