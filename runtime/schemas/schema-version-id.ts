/**
 * A Glue schema version id is a UUID; on the wire it is 16 bytes, written by the AWS library
 * as ByteBuffer.putLong(mostSignificantBits) then putLong(leastSignificantBits): big-endian,
 * so the bytes are the UUID's hex digits in order.
 */
import { SchemaWireError } from "./schema-wire-error";

export const SCHEMA_VERSION_ID_BYTES = 16;

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 16 wire bytes of a schema version id given as text (any case). */
export function schemaVersionIdBytes(schemaVersionId: string): Buffer {
  if (!UUID_TEXT.test(schemaVersionId)) {
    throw new SchemaWireError(
      `schema version id ${JSON.stringify(schemaVersionId)} is not a UUID (allowed: 8-4-4-4-12 hex digits, e.g. f81d4fae-7dec-11d0-a765-00a0c91e6bf6)`,
    );
  }
  return Buffer.from(schemaVersionId.replace(/-/g, ""), "hex");
}

/** The schema version id as Java's UUID.toString() prints it: lower case, 8-4-4-4-12. */
export function schemaVersionIdText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join("-");
}
