/**
 * The tenant on a record: what a tenant id is, how ingest writes it into each record, and
 * how every consumer reads it back. One module, shared by the ingest API, the processing
 * workers, the Lambda consumer and the data lake.
 *
 * Ingest writes the tenant as a prefix of the record's partition key:
 * `<tenant>|<the client's key>`. Why that form:
 * - Per-key order is kept: one client key of one tenant always becomes the same partition
 *   key, so the same shard, in order.
 * - A large tenant spreads over every shard: Kinesis hashes the whole key (MD5 of the
 *   partition key, https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html),
 *   the client's part included, so a tenant's keys land all over the hash range (no hot
 *   shard by construction).
 * - It cannot be forged: ingest builds the prefix from the tenant its API key maps to and
 *   never from anything the client sends, and ingest's role is the only one the stack lets
 *   write the stream (kinesis:PutRecords; the replay posts through ingest). A client key
 *   shaped like another tenant's prefix ("acme|x") just becomes "beta|acme|x": the first
 *   `|` ends the tenant, and a tenant id cannot hold one.
 * - KPL aggregates keep it: each user record of an aggregate carries its own partition key
 *   (the partition key table of the aggregation format), so de-aggregation gives every
 *   record its own tenant; the data and its schema wire format are not touched at all.
 *
 * Records written before tenants existed (keys without a tenant's prefix) read as
 * `UNTENANTED`, never as an error.
 */
import { STREAM_LIMITS } from "./limits";

/** A tenant id: lower-case letters, digits and inner hyphens, 1 to 32 characters (fits a DNS label, an S3 prefix, a metric dimension). */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
export const MAX_TENANT_ID_LENGTH = 32;
export const TENANT_ID_ALLOWED = `1 to ${MAX_TENANT_ID_LENGTH} lower-case letters, digits and hyphens, starting and ending with a letter or digit`;

/** Ends the tenant in a partition key; a tenant id never holds it. */
export const TENANT_SEPARATOR = "|";

/**
 * The tenant a record reads as when its key carries none: written before tenants existed.
 * No tenant can be created with this id (RESERVED_TENANT_IDS).
 */
export const UNTENANTED = "untenanted";
/**
 * The tenant of a corrupt KPL aggregate a consumer hands on whole (consumer-records.ts). Ingest packs the records of
 * several tenants into one aggregate per shard, and an aggregate that cannot be unpacked
 * cannot tell whose records its bytes hold: read as the tenant of its own partition key, it
 * would show the other tenants' records to that tenant (in the lake, once tenants read their
 * own prefixes). A tenant id starts with a letter or digit (TENANT_ID_PATTERN), so no tenant can
 * ever be this one.
 */
export const MIXED_TENANTS = "_mixed";
/** The tenant ingest writes when the stack turns authentication off (ingestAuth none). */
export const ANONYMOUS_TENANT = "anonymous";
/** Ids the pipeline gives a meaning of its own: no tenant may be created with them. */
export const RESERVED_TENANT_IDS: readonly string[] = [UNTENANTED, ANONYMOUS_TENANT];

/**
 * The longest partition key a client may send: Kinesis allows 256 characters (UTF-16 code
 * units) per key (PutRecords' PartitionKey, "Length Constraints: Minimum length of 1.
 * Maximum length of 256": https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html),
 * and the longest tenant's prefix takes 33 of them. The same bound for every tenant, so a
 * client's limit never depends on how long its tenant's name is.
 */
export const MAX_CLIENT_KEY_LENGTH =
  STREAM_LIMITS.maxPartitionKeyLength - MAX_TENANT_ID_LENGTH - TENANT_SEPARATOR.length;

export function isTenantId(text: string): boolean {
  return text.length <= MAX_TENANT_ID_LENGTH && TENANT_ID_PATTERN.test(text);
}

/** The partition key ingest writes for `tenant`'s record sent with `clientKey`. */
export function tenantPartitionKey(tenant: string, clientKey: string): string {
  if (!isTenantId(tenant)) throw new Error(`tenant ids are ${TENANT_ID_ALLOWED}, got ${JSON.stringify(tenant)}`);
  return `${tenant}${TENANT_SEPARATOR}${clientKey}`;
}

/** A partition key's tenant and the client's key, when ingest wrote it with a tenant's prefix. */
function splitTenantKey(partitionKey: string): { tenant: string; clientKey: string } | undefined {
  const end = partitionKey.indexOf(TENANT_SEPARATOR);
  if (end < 1 || end > MAX_TENANT_ID_LENGTH) return undefined;
  const tenant = partitionKey.slice(0, end);
  return TENANT_ID_PATTERN.test(tenant) ? { tenant, clientKey: partitionKey.slice(end + 1) } : undefined;
}

/** The tenant of a record (a user record's own partition key, after de-aggregation); UNTENANTED without one. */
export function tenantOf(partitionKey: string): string {
  return splitTenantKey(partitionKey)?.tenant ?? UNTENANTED;
}

/** The key the client sent, as ingest received it (the whole key of an untenanted record). */
export function clientKeyOf(partitionKey: string): string {
  return splitTenantKey(partitionKey)?.clientKey ?? partitionKey;
}
