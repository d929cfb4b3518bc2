/**
 * The AWS Glue Schema Registry record format, byte-compatible with the AWS Java library
 * (awslabs/aws-glue-schema-registry), so that Java producers and consumers read our records
 * and we read theirs:
 *
 *   [header version 3][compression 0 | 5][schema version id: 16 bytes][payload]
 *
 * The payload of a JSON record is the JSON text in UTF-8, zlib-compressed when the
 * compression byte is 5.
 */
import { inflateSync } from "node:zlib";
import { deflate } from "pako";
import { SCHEMA_VERSION_ID_BYTES, schemaVersionIdBytes, schemaVersionIdText } from "./schema-version-id";
import { SchemaWireError } from "./schema-wire-error";

// Constants from common/.../utils/AWSSchemaRegistryConstants.java.
export const HEADER_VERSION_BYTE = 3;
export const COMPRESSION_DEFAULT_BYTE = 0;
export const COMPRESSION_BYTE = 5;
export const HEADER_BYTES = 1 + 1 + SCHEMA_VERSION_ID_BYTES;

export type Compression = "none" | "zlib";

export interface EncodeOptions {
  compression: Compression;
}

/** A record that carries the registry header. */
export interface RegistryRecord {
  kind: "registry";
  schemaVersionId: string;
  compression: Compression;
  /** The payload as the producer wrote it, decompressed. */
  payload: Buffer;
}

/** A record without the header (its first byte is not 3), passed through untouched. */
export interface PlainRecord {
  kind: "plain";
  data: Buffer;
}

export interface DecodeOptions {
  /** A zlib payload that inflates past this is refused: a small record must not expand into gigabytes. */
  maxPayloadBytes: number;
}

export const DECODE_DEFAULTS: DecodeOptions = { maxPayloadBytes: 16 * 1024 * 1024 };

/**
 * SerializationDataEncoder.write: header, then the payload, compressed as
 * GlueSchemaRegistryCompressionHandler does (java.util.zip.Deflater at its default level).
 */
export function encode(payload: Uint8Array, schemaVersionId: string, options: EncodeOptions): Buffer {
  const id = schemaVersionIdBytes(schemaVersionId);
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = HEADER_VERSION_BYTE;
  header[1] = compressionByte(options.compression);
  id.copy(header, 2);
  return Buffer.concat([header, options.compression === "zlib" ? javaDeflate(payload) : payload]);
}

/**
 * Reads a record: a registry record (header checked, payload inflated) or, when the first
 * byte is not the header version, a plain record as it came. A record that starts like a
 * registry record but is malformed throws a SchemaWireError.
 */
export function decode(record: Uint8Array, options: DecodeOptions = DECODE_DEFAULTS): RegistryRecord | PlainRecord {
  const data = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (data.length === 0 || data[0] !== HEADER_VERSION_BYTE) return { kind: "plain", data };
  if (data.length < HEADER_BYTES) {
    throw new SchemaWireError(
      `registry record too short: ${data.length} bytes, but the header alone takes ${HEADER_BYTES} (version byte, compression byte, 16-byte schema version id)`,
    );
  }
  const compression = compressionOf(data[1]);
  const schemaVersionId = schemaVersionIdText(data.subarray(2, HEADER_BYTES));
  const body = data.subarray(HEADER_BYTES);
  const payload = compression === "zlib" ? inflate(body, schemaVersionId, options.maxPayloadBytes) : body;
  return { kind: "registry", schemaVersionId, compression, payload };
}

function compressionByte(compression: Compression): number {
  if (compression === "none") return COMPRESSION_DEFAULT_BYTE;
  if (compression === "zlib") return COMPRESSION_BYTE;
  throw new SchemaWireError(`unknown compression ${JSON.stringify(compression)} (allowed: "none", "zlib")`);
}

function compressionOf(byte: number): Compression {
  if (byte === COMPRESSION_DEFAULT_BYTE) return "none";
  if (byte === COMPRESSION_BYTE) return "zlib";
  throw new SchemaWireError(
    `unknown compression byte ${byte} in a registry record (allowed: ${COMPRESSION_DEFAULT_BYTE} for none, ${COMPRESSION_BYTE} for zlib)`,
  );
}

/**
 * pako is a port of canonical zlib; with its classic hash (legacyHash) it writes the same bytes
 * as java.util.zip.Deflater, which uses canonical zlib. Node's zlib (Chromium's fork) and pako's
 * default hash give valid but different bytes.
 */
function javaDeflate(payload: Uint8Array): Uint8Array {
  return deflate(payload, { legacyHash: true });
}

// Inflating needs no byte-compatibility, so it uses Node's native zlib; like Java's Inflater it ignores bytes after the stream's end.
function inflate(body: Buffer, schemaVersionId: string, maxPayloadBytes: number): Buffer {
  try {
    return inflateSync(body, { maxOutputLength: maxPayloadBytes });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === "ERR_BUFFER_TOO_LARGE"
        ? `it inflates past the limit of ${maxPayloadBytes} bytes`
        : `it does not inflate (${(error as Error).message})`;
    throw new SchemaWireError(
      `the zlib payload (${body.length} bytes) of a record with schema version ${schemaVersionId} is refused: ${reason}`,
    );
  }
}
