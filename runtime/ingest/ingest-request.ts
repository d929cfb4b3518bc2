/**
 * What the ingest API accepts, as pure functions: `{"data": <string|object>,
 * "partitionKey"?: <string>}` for `POST /` (the reference architecture's contract) and
 * `{"records": [...]}` for `POST /batch`. Every refusal names the field, the problem and
 * what is allowed. Each record is stored under its tenant's partition key
 * (runtime/stream/tenant-key.ts): the tenant comes from the caller's credential, never from
 * the body, and a client's key is only ever the part after the tenant's prefix.
 */
import { randomUUID } from "node:crypto";
import { UserRecord } from "../stream/aggregation";
import { recordBytes, STREAM_LIMITS } from "../stream/limits";
import { Violation } from "../schemas/json-validation";
import { MAX_CLIENT_KEY_LENGTH, tenantPartitionKey } from "../stream/tenant-key";
import { IngestSchema } from "./ingest-schema";

export interface ApiError {
  status: number;
  /** A stable code for clients and for the rejects metric. */
  error: string;
  message: string;
  field?: string;
  allowed?: string;
  /** With a 422: every way the data breaks the schema. */
  violations?: Violation[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const RECORD_FIELDS = ["data", "partitionKey"];
const DATA_ALLOWED = "a string or a JSON object";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// The stored key is the tenant's prefix and the client's key, within Kinesis's 256 characters.
const KEY_ALLOWED = `a string of 1 to ${MAX_CLIENT_KEY_LENGTH} characters`;

/** "a number", "an array", "null": what a client sent, in words. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const t = typeof value;
  return t === "object" ? "an object" : `a ${t}`;
}

function invalid(
  field: string,
  problem: string,
  allowed: string,
  status = 400,
  error = "invalid_field",
): Parsed<never> {
  return { ok: false, error: { status, error, message: `${field} ${problem} (allowed: ${allowed})`, field, allowed } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * One record of a request, written as `tenant`'s; `at` prefixes field names inside a batch
 * ("records[3].").
 */
export function parseRecord(body: unknown, tenant: string, at = "", schema?: IngestSchema): Parsed<UserRecord> {
  if (!isPlainObject(body)) {
    return invalid(
      at ? at.slice(0, -1) : "body",
      `must be a JSON object, got ${kindOf(body)}`,
      '{"data": ..., "partitionKey"?: ...}',
    );
  }
  const unknown = Object.keys(body).find((k) => !RECORD_FIELDS.includes(k));
  if (unknown !== undefined) {
    return invalid(
      `${at}${unknown}`,
      "is not a field of a record",
      `the fields ${RECORD_FIELDS.join(", ")}`,
      400,
      "unknown_field",
    );
  }
  if (!("data" in body)) return invalid(`${at}data`, "is missing", DATA_ALLOWED, 400, "missing_field");
  const { data, partitionKey } = body;
  if (typeof data !== "string" && !isPlainObject(data)) {
    return invalid(`${at}data`, `must be a string or a JSON object, got ${kindOf(data)}`, DATA_ALLOWED);
  }
  if (partitionKey !== undefined) {
    if (typeof partitionKey !== "string") {
      return invalid(`${at}partitionKey`, `must be a string, got ${kindOf(partitionKey)}`, KEY_ALLOWED);
    }
    // Kinesis counts UTF-16 code units, not characters: kinesis-local refuses a key of 129
    // emoji (258 units) with InvalidArgumentException, which fails the whole PutRecords call.
    const length = partitionKey.length;
    if (length < 1 || length > MAX_CLIENT_KEY_LENGTH) {
      const characters = [...partitionKey].length;
      const size =
        characters === length
          ? `${length} characters long`
          : `${length} UTF-16 code units long (${characters} characters; those outside the BMP count twice)`;
      return invalid(`${at}partitionKey`, `must not be ${length === 0 ? "empty" : size}`, KEY_ALLOWED);
    }
    // A lone surrogate is not Unicode: Kinesis would store another key than the one sent.
    if (LONE_SURROGATE.test(partitionKey)) {
      return invalid(`${at}partitionKey`, "must be well-formed Unicode (it holds a lone surrogate)", KEY_ALLOWED);
    }
  }
  // No key: a random one spreads records evenly over the shards, as the reference producer does.
  const key = tenantPartitionKey(tenant, (partitionKey as string | undefined) ?? randomUUID());
  let text: string;
  try {
    text = typeof data === "string" ? data : JSON.stringify(data);
  } catch {
    // JSON.stringify recurses: data nested some thousands deep overflows the stack (RangeError).
    return invalid(`${at}data`, "is nested too deeply to store", `${DATA_ALLOWED}, nested less deeply`);
  }
  if (schema) {
    const violations = schema.check(data);
    if (violations.length > 0) {
      return {
        ok: false,
        error: {
          status: 422,
          error: "schema_violation",
          message: `${at}data does not match schema ${schema.label} (${violations.length} violation${violations.length === 1 ? "" : "s"})`,
          field: `${at}data`,
          allowed: `data valid under ${schema.label}`,
          violations,
        },
      };
    }
  }
  const json = Buffer.from(text, "utf8");
  const bytes = schema ? schema.encode(json) : json;
  const size = recordBytes(key, bytes);
  if (size > STREAM_LIMITS.maxRecordBytes) {
    return invalid(
      `${at}data`,
      `and partitionKey are ${size} bytes together (with the tenant's prefix of the stored key)`,
      `at most ${STREAM_LIMITS.maxRecordBytes} bytes (the Kinesis record limit)`,
      413,
      "record_too_large",
    );
  }
  return { ok: true, value: { partitionKey: key, data: bytes } };
}

/** A `/batch` request: 1 to 500 records, all valid, or the first problem found; all written as `tenant`'s. */
export function parseBatch(body: unknown, tenant: string, schema?: IngestSchema): Parsed<UserRecord[]> {
  const allowed = `{"records": [...]} with 1 to ${STREAM_LIMITS.maxRecordsPerPutRecords} records`;
  if (!isPlainObject(body)) return invalid("body", `must be a JSON object, got ${kindOf(body)}`, allowed);
  const unknown = Object.keys(body).find((k) => k !== "records");
  if (unknown !== undefined) return invalid(unknown, "is not a field of a batch", allowed, 400, "unknown_field");
  const { records } = body;
  if (records === undefined) return invalid("records", "is missing", allowed, 400, "missing_field");
  if (!Array.isArray(records)) return invalid("records", `must be an array, got ${kindOf(records)}`, allowed);
  if (records.length < 1 || records.length > STREAM_LIMITS.maxRecordsPerPutRecords) {
    return invalid("records", `must not hold ${records.length} records`, allowed);
  }
  const parsed: UserRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const one = parseRecord(records[i], tenant, `records[${i}].`, schema);
    if (!one.ok) return one;
    parsed.push(one.value);
  }
  return { ok: true, value: parsed };
}
