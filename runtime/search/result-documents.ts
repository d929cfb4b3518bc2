/**
 * The hot-spot job's result rows (JSON records on the results stream, written by the Flink
 * job's sinks in runtime/hotspots/flink-sql.ts) as OpenSearch documents: which index, which
 * id, which fields. Pure, so the table tests cover every shape a row can come in.
 *
 * The id is the engine's documentId (key + window start), the same for every restart of
 * the job: indexing a row again overwrites the document instead of adding a copy.
 */
import { RESULT_INDEX_FIELD } from "../hotspots/flink-sql";
import { documentId } from "../hotspots/document-id";
import { AIRPORT_INDEX, HOTSPOT_INDEX } from "./indices";

/** The field that, with the window start, identifies a document of each index. */
const KEY_FIELD: Record<string, string> = { [HOTSPOT_INDEX]: "cell", [AIRPORT_INDEX]: "airport" };

export interface ResultDocument {
  index: string;
  id: string;
  document: Record<string, unknown>;
}

export type ParsedResult = { ok: true; value: ResultDocument } | { ok: false; reason: string };

/**
 * A Flink TIMESTAMP(3) in ISO-8601 ("2009-01-24T12:00:00", UTC by the job's session time
 * zone; a zone or "Z" is honoured when present) as epoch milliseconds.
 */
export function windowStartMs(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return undefined;
  const iso = text.replace(" ", "T");
  const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function resultDocument(data: Buffer): ParsedResult {
  let row: unknown;
  try {
    row = JSON.parse(data.toString("utf8"));
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  if (typeof row !== "object" || row === null || Array.isArray(row)) return { ok: false, reason: "not a JSON object" };
  const { [RESULT_INDEX_FIELD]: index, ...document } = row as Record<string, unknown>;
  if (typeof index !== "string" || !(index in KEY_FIELD)) {
    return {
      ok: false,
      reason: `${RESULT_INDEX_FIELD} is ${JSON.stringify(index)}, allowed: ${Object.keys(KEY_FIELD).join(", ")}`,
    };
  }
  const key = document[KEY_FIELD[index]];
  if (typeof key !== "string" || key === "") return { ok: false, reason: `${KEY_FIELD[index]} is missing` };
  const start = typeof document.windowStart === "string" ? windowStartMs(document.windowStart) : undefined;
  if (start === undefined)
    return { ok: false, reason: `windowStart is ${JSON.stringify(document.windowStart)}, allowed: an ISO-8601 time` };
  return { ok: true, value: { index, id: documentId(key, start), document } };
}

/** The _bulk body that indexes (creates or overwrites) these documents, one action each. */
export function bulkBody(documents: readonly ResultDocument[]): string {
  return documents
    .map((d) => `${JSON.stringify({ index: { _index: d.index, _id: d.id } })}\n${JSON.stringify(d.document)}\n`)
    .join("");
}
