/**
 * The Kinesis Producer Library's aggregated record format, shared by our producer (which
 * packs user records into one Kinesis record) and our consumer (which unpacks them).
 *
 * A Kinesis record's data is an aggregate when it is: the magic bytes F3 89 9A C2, a
 * protobuf `AggregatedRecord`, then the MD5 of that protobuf. Anything else is a plain
 * record. Format: https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md
 */
import { createHash, hash } from "node:crypto";
import * as protobuf from "protobufjs";
import { GrowingBuffer } from "./growing-buffer";
import { PartitionKeyIndex } from "./partition-key-index";
import { partitionKeyWordsInto } from "./routing-key";

export const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);
const MD5_BYTES = 16;

/** A partition key's MD5 when the caller did not pass it: one record at a time, so one array. */
const KEY_MD5 = new Uint32Array(4);

const SCHEMA = protobuf.parse(`
  syntax = "proto2";
  message AggregatedRecord {
    repeated string partition_key_table = 1;
    repeated string explicit_hash_key_table = 2;
    repeated Record records = 3;
  }
  message Tag {
    required string key = 1;
    optional string value = 2;
  }
  message Record {
    required uint64 partition_key_index = 1;
    optional uint64 explicit_hash_key_index = 2;
    required bytes data = 3;
    repeated Tag tags = 4;
  }
`).root;
const AggregatedRecord = SCHEMA.lookupType("AggregatedRecord");

/** Field keys (field number << 3 | wire type) of the messages above, for the direct encoder. */
const LENGTH_DELIMITED = 2;
const VARINT = 0;
const FIELD = {
  partitionKeyTable: (1 << 3) | LENGTH_DELIMITED,
  explicitHashKeyTable: (2 << 3) | LENGTH_DELIMITED,
  records: (3 << 3) | LENGTH_DELIMITED,
  partitionKeyIndex: (1 << 3) | VARINT,
  explicitHashKeyIndex: (2 << 3) | VARINT,
  data: (3 << 3) | LENGTH_DELIMITED,
} as const;

/** A record as the user sent it: what a consumer gets back after de-aggregation. */
export interface UserRecord {
  partitionKey: string;
  /** A decimal 128-bit hash key that overrides the MD5 of the partition key for routing. */
  explicitHashKey?: string;
  data: Buffer;
}

export class AggregationError extends Error {}

interface Decoded {
  partitionKeyTable: string[];
  explicitHashKeyTable: string[];
  records: {
    partitionKeyIndex: number | { toNumber(): number };
    explicitHashKeyIndex?: number | { toNumber(): number };
    data: Uint8Array;
  }[];
}

/** Bytes a protobuf varint takes. */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** A length-delimited field: tag byte, length, bytes. Every field number here is < 16. */
function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/**
 * Packs user records into one aggregate and knows its exact size before adding each
 * record, so an aggregate never grows past the limit the caller enforces.
 *
 * It runs for every record ingest accepts, so it encodes each record as it adds it: a new
 * key's entry onto the end of its key table, the Record message onto the end of the
 * records, each in a growing buffer, while the record's bytes are fresh in the cache. An
 * open aggregate so holds bytes, not a list of the records (a 1 MiB one is ~7,000 of them,
 * which would otherwise survive young-generation collections until it is sealed), and
 * `encode` only joins the three parts and appends the MD5. The bytes are those protobufjs's
 * writer produced (tests/unit/ingest/aggregate-golden.test.ts holds them): it writes the
 * fields in field order, the partition key table, then the explicit hash key table, then
 * the records, and a key's index is its place in its table, so appending each part as it
 * comes gives the same bytes.
 */
export class AggregateBuilder {
  private readonly partitionKeys = new PartitionKeyIndex();
  private hashKeys = new Map<string, number>();
  /** The AggregatedRecord's three repeated fields, each encoded as it grows. */
  private readonly partitionKeyTable = new GrowingBuffer();
  private readonly hashKeyTable = new GrowingBuffer();
  private readonly records = new GrowingBuffer();
  private recordCount = 0;

  /** Size of the Kinesis record data this aggregate encodes to (magic + protobuf + MD5). */
  get size(): number {
    return KPL_MAGIC.length + this.bodyBytes + MD5_BYTES;
  }

  /** User records in the aggregate. */
  get count(): number {
    return this.recordCount;
  }

  /** Size the aggregate would have with `record` added. */
  sizeWith(record: UserRecord): number {
    return this.size + this.growth(record);
  }

  /**
   * Adds `record` unless that would take the aggregate past `maxSize` (an empty aggregate
   * takes any record: one too large to share goes out alone). False when it did not fit.
   *
   * `routingWords`: the record's routing key as four words (routingWordsInto), when the
   * caller has them from routing the record, as the producer does: for a record without an
   * explicit hash key they are its partition key's MD5, by which the key table finds the
   * key. Else the MD5 is computed here.
   */
  tryAdd(record: UserRecord, maxSize: number, routingWords?: Uint32Array): boolean {
    // The growth, inline: a new key's table entry, then the Record message with its tag and length.
    const pk = record.partitionKey;
    const pkHash = partitionKeyHash(record, routingWords);
    let pkIndex = this.partitionKeys.indexOf(pk, pkHash);
    let pkBytes = -1;
    let bytes = 0;
    if (pkIndex < 0) {
      pkIndex = this.partitionKeys.size;
      pkBytes = Buffer.byteLength(pk);
      bytes += fieldSize(pkBytes);
    }
    const data = record.data;
    let inner = 1 + varintSize(pkIndex) + fieldSize(data.length);
    let ehkIndex = -1;
    let ehkBytes = -1;
    const ehk = record.explicitHashKey;
    if (ehk !== undefined) {
      const known = this.hashKeys.get(ehk);
      if (known === undefined) {
        ehkIndex = this.hashKeys.size;
        ehkBytes = Buffer.byteLength(ehk);
        bytes += fieldSize(ehkBytes);
      } else ehkIndex = known;
      inner += 1 + varintSize(ehkIndex);
    }
    const message = fieldSize(inner);
    if (this.recordCount > 0 && this.size + bytes + message > maxSize) return false;
    if (pkBytes >= 0) {
      this.partitionKeys.add(pk, pkHash);
      appendString(this.partitionKeyTable, FIELD.partitionKeyTable, pk, pkBytes);
    }
    if (ehkBytes >= 0) {
      this.hashKeys.set(ehk!, ehkIndex);
      appendString(this.hashKeyTable, FIELD.explicitHashKeyTable, ehk!, ehkBytes);
    }
    const records = this.records;
    records.reserve(message);
    const out = records.bytes;
    let at = records.length;
    out[at++] = FIELD.records;
    at = writeVarint(out, at, inner);
    out[at++] = FIELD.partitionKeyIndex;
    at = writeVarint(out, at, pkIndex);
    if (ehkIndex >= 0) {
      out[at++] = FIELD.explicitHashKeyIndex;
      at = writeVarint(out, at, ehkIndex);
    }
    out[at++] = FIELD.data;
    at = writeVarint(out, at, data.length);
    out.set(data, at);
    records.length = at + data.length;
    this.recordCount++;
    return true;
  }

  /** Empties the aggregate, keeping its buffers and key table for the next one. */
  reset(): void {
    this.partitionKeys.clear();
    if (this.hashKeys.size > 0) this.hashKeys = new Map();
    this.partitionKeyTable.length = 0;
    this.hashKeyTable.length = 0;
    this.records.length = 0;
    this.recordCount = 0;
  }

  add(record: UserRecord): void {
    this.tryAdd(record, Infinity);
  }

  /**
   * The aggregate: magic, the AggregatedRecord (partition key table, explicit hash key
   * table, records, in that order, as protobufjs writes it), and the MD5 of the protobuf.
   */
  encode(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    KPL_MAGIC.copy(out, 0);
    let at = this.partitionKeyTable.copyTo(out, KPL_MAGIC.length);
    at = this.hashKeyTable.copyTo(out, at);
    at = this.records.copyTo(out, at);
    const digest = hash("md5", out.subarray(KPL_MAGIC.length, at), "buffer");
    digest.copy(out, at);
    return out;
  }

  /** The protobuf's bytes so far: the three repeated fields. */
  private get bodyBytes(): number {
    return this.partitionKeyTable.length + this.hashKeyTable.length + this.records.length;
  }

  /** Bytes `record` would add to the aggregate as it is now. */
  private growth(record: UserRecord): number {
    let bytes = 0;
    let pkIndex = this.partitionKeys.indexOf(record.partitionKey, partitionKeyHash(record));
    if (pkIndex < 0) {
      pkIndex = this.partitionKeys.size;
      bytes += fieldSize(Buffer.byteLength(record.partitionKey));
    }
    let inner = 1 + varintSize(pkIndex) + fieldSize(record.data.length);
    if (record.explicitHashKey !== undefined) {
      let ehkIndex = this.hashKeys.get(record.explicitHashKey);
      if (ehkIndex === undefined) {
        ehkIndex = this.hashKeys.size;
        bytes += fieldSize(Buffer.byteLength(record.explicitHashKey));
      }
      inner += 1 + varintSize(ehkIndex);
    }
    return bytes + fieldSize(inner);
  }
}

/** The key table's hash of `record`'s partition key, from its routing words when they are its MD5. */
function partitionKeyHash(record: UserRecord, routingWords?: Uint32Array): number {
  if (routingWords !== undefined && record.explicitHashKey === undefined) return PartitionKeyIndex.hashOf(routingWords);
  partitionKeyWordsInto(record.partitionKey, KEY_MD5);
  return PartitionKeyIndex.hashOf(KEY_MD5);
}

/** A protobuf varint at `at`; returns the offset after it. */
function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}

/**
 * A length-delimited string field appended to `table`, in the UTF-8 protobufjs writes: for
 * an ASCII string (as many bytes as characters) every encoder writes the same bytes, so the
 * fastest one; else protobufjs's own rule: its JS encoder under 40 characters (which keeps a
 * lone surrogate's 3 bytes), Node's from 40 on (which writes U+FFFD).
 */
function appendString(table: GrowingBuffer, tag: number, text: string, bytes: number): void {
  table.reserve(fieldSize(bytes));
  const out = table.bytes;
  let at = table.length;
  out[at++] = tag;
  at = writeVarint(out, at, bytes);
  const written =
    bytes === text.length
      ? out.write(text, at, bytes, "latin1")
      : text.length < 40
        ? protobuf.util.utf8.write(text, out, at)
        : out.write(text, at, bytes, "utf8");
  // The size was counted with Buffer.byteLength: an encoder that disagreed would corrupt the aggregate.
  if (written !== bytes) throw new Error(`key encoded to ${written} bytes, ${bytes} counted`);
  table.length = at + bytes;
}

/** Encodes user records as one aggregate (see AggregateBuilder to stay within a size). */
export function aggregate(records: UserRecord[]): Buffer {
  const builder = new AggregateBuilder();
  for (const r of records) builder.add(r);
  return builder.encode();
}

export function isAggregate(data: Uint8Array): boolean {
  return data.length >= KPL_MAGIC.length + MD5_BYTES && Buffer.from(data.buffer, data.byteOffset, 4).equals(KPL_MAGIC);
}

/**
 * The user records inside a Kinesis record: the sub-records of an aggregate, or the record
 * itself when it is plain. Throws AggregationError when the magic is there but the MD5 or
 * the protobuf is not right: such a record is corrupt, not plain.
 */
export function deaggregate(kinesisRecord: {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}): UserRecord[] {
  const data = Buffer.from(kinesisRecord.data.buffer, kinesisRecord.data.byteOffset, kinesisRecord.data.length);
  if (!isAggregate(data)) {
    return [{ partitionKey: kinesisRecord.partitionKey, explicitHashKey: kinesisRecord.explicitHashKey, data }];
  }
  const body = data.subarray(KPL_MAGIC.length, data.length - MD5_BYTES);
  const digest = data.subarray(data.length - MD5_BYTES);
  if (!createHash("md5").update(body).digest().equals(digest)) {
    throw new AggregationError("aggregated record has a bad MD5 checksum");
  }
  let decoded: Decoded;
  try {
    decoded = AggregatedRecord.toObject(AggregatedRecord.decode(body), { arrays: true }) as unknown as Decoded;
  } catch (e) {
    throw new AggregationError(`aggregated record is not a valid AggregatedRecord: ${(e as Error).message}`);
  }
  const index = (i: number | { toNumber(): number }) => (typeof i === "number" ? i : i.toNumber());
  return decoded.records.map((r) => {
    const partitionKey = decoded.partitionKeyTable[index(r.partitionKeyIndex)];
    if (partitionKey === undefined) throw new AggregationError("sub-record points past the partition key table");
    const ehk =
      r.explicitHashKeyIndex === undefined ? undefined : decoded.explicitHashKeyTable[index(r.explicitHashKeyIndex)];
    return { partitionKey, ...(ehk !== undefined ? { explicitHashKey: ehk } : {}), data: Buffer.from(r.data) };
  });
}
