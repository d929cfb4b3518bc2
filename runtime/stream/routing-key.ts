/**
 * A record's 128-bit hash key, as ingest routes every record by it: the MD5 of the
 * partition key (or the explicit hash key), held as four 32-bit words, most significant
 * first. Routing compares the words; the BigInt and its decimal text (what an aggregate's
 * ExplicitHashKey carries) are made only when asked for, once per aggregate rather than
 * once per record.
 *
 * The MD5 of a short ASCII key (every UUID, tenant prefix and trip id: up to 55 bytes, one
 * MD5 block) is computed here: for inputs that small a call into OpenSSL costs more than the
 * 64 rounds, and turning its hex into a BigInt more again. Longer or non-ASCII keys use
 * node:crypto. tests/unit/stream/routing-key.test.ts holds both to node:crypto's digest.
 */
import { hash } from "node:crypto";

export class RoutingKey {
  private exact?: bigint;

  constructor(
    readonly w0: number,
    readonly w1: number,
    readonly w2: number,
    readonly w3: number,
  ) {}

  /** The hash key as an integer 0..2^128-1. */
  get value(): bigint {
    this.exact ??= (BigInt(this.w0) << 96n) | (BigInt(this.w1) << 64n) | (BigInt(this.w2) << 32n) | BigInt(this.w3);
    return this.exact;
  }

  /** Decimal, as Kinesis takes an ExplicitHashKey. */
  toString(): string {
    return this.value.toString();
  }

  static fromBigInt(value: bigint): RoutingKey {
    const word = (shift: bigint) => Number((value >> shift) & 0xffffffffn);
    const key = new RoutingKey(word(96n), word(64n), word(32n), word(0n));
    key.exact = value;
    return key;
  }

  /** The MD5 of `partitionKey`'s UTF-8 bytes, read as an unsigned big-endian integer. */
  static ofPartitionKey(partitionKey: string): RoutingKey {
    const w = new Uint32Array(4);
    partitionKeyWordsInto(partitionKey, w);
    return new RoutingKey(w[0], w[1], w[2], w[3]);
  }
}

/**
 * The routing key's four words of `record` written into `out`, allocating nothing for a
 * short ASCII partition key: what routing every record to its shard needs, and no more.
 */
export function routingWordsInto(record: { partitionKey: string; explicitHashKey?: string }, out: Uint32Array): void {
  if (record.explicitHashKey === undefined) {
    partitionKeyWordsInto(record.partitionKey, out);
    return;
  }
  const words = wordsOf(BigInt(record.explicitHashKey));
  for (let i = 0; i < 4; i++) out[i] = words[i];
}

/** The MD5 of `partitionKey`'s UTF-8 bytes, as four big-endian words, into `out`. */
export function partitionKeyWordsInto(partitionKey: string, out: Uint32Array): void {
  if (md5OfShortAsciiInto(partitionKey, out)) return;
  const hex = hash("md5", partitionKey, "hex");
  for (let i = 0; i < 4; i++) out[i] = parseInt(hex.slice(8 * i, 8 * i + 8), 16);
}

/** -1, 0 or 1 as the 128-bit integer of words `k` is below, at or above that of words `w`. */
export function compareWordArrays(k: ArrayLike<number>, w: ArrayLike<number>): number {
  for (let i = 0; i < 4; i++) if (k[i] !== w[i]) return k[i] < w[i] ? -1 : 1;
  return 0;
}

/** -1, 0 or 1 as `key` is below, at or above the 128-bit integer whose words are `w`. */
export function compareWords(key: RoutingKey, w: readonly number[]): number {
  if (key.w0 !== w[0]) return key.w0 < w[0] ? -1 : 1;
  if (key.w1 !== w[1]) return key.w1 < w[1] ? -1 : 1;
  if (key.w2 !== w[2]) return key.w2 < w[2] ? -1 : 1;
  if (key.w3 !== w[3]) return key.w3 < w[3] ? -1 : 1;
  return 0;
}

/** The four big-endian words of a 128-bit integer. */
export function wordsOf(value: bigint): number[] {
  return [96n, 64n, 32n, 0n].map((shift) => Number((value >> shift) & 0xffffffffn));
}

/** The 16 message words of the one block, reused (one key at a time, synchronously). */
const X = new Int32Array(16);

/** Big-endian value of a little-endian MD5 state word. */
const swap = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

/**
 * RFC 1321 MD5 of a string of at most 55 ASCII characters (one padded block), as four
 * big-endian words into `out`; false (and `out` untouched) for any other string.
 */
function md5OfShortAsciiInto(text: string, out: Uint32Array): boolean {
  const n = text.length;
  if (n > 55) return false;
  X.fill(0);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return false;
    X[i >> 2] |= c << ((i & 3) << 3);
  }
  X[n >> 2] |= 0x80 << ((n & 3) << 3);
  X[14] = n << 3;
  // The 64 steps written out: V8 runs straight-line code without the loop's branches and
  // table lookups (about a quarter faster here).
  const x0 = X[0];
  const x1 = X[1];
  const x2 = X[2];
  const x3 = X[3];
  const x4 = X[4];
  const x5 = X[5];
  const x6 = X[6];
  const x7 = X[7];
  const x8 = X[8];
  const x9 = X[9];
  const x10 = X[10];
  const x11 = X[11];
  const x12 = X[12];
  const x13 = X[13];
  const x14 = X[14];
  const x15 = X[15];
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  let t: number;
  t = (a + ((b & c) | (~b & d)) + x0 + (0xd76aa478 | 0)) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x1 + (0xe8c7b756 | 0)) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x2 + 0x242070db) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x3 + (0xc1bdceee | 0)) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x4 + (0xf57c0faf | 0)) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x5 + 0x4787c62a) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x6 + (0xa8304613 | 0)) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x7 + (0xfd469501 | 0)) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x8 + 0x698098d8) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x9 + (0x8b44f7af | 0)) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x10 + (0xffff5bb1 | 0)) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x11 + (0x895cd7be | 0)) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x12 + 0x6b901122) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x13 + (0xfd987193 | 0)) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x14 + (0xa679438e | 0)) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x15 + 0x49b40821) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x1 + (0xf61e2562 | 0)) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x6 + (0xc040b340 | 0)) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x11 + 0x265e5a51) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x0 + (0xe9b6c7aa | 0)) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x5 + (0xd62f105d | 0)) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x10 + 0x02441453) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x15 + (0xd8a1e681 | 0)) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x4 + (0xe7d3fbc8 | 0)) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x9 + 0x21e1cde6) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x14 + (0xc33707d6 | 0)) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x3 + (0xf4d50d87 | 0)) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x8 + 0x455a14ed) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x13 + (0xa9e3e905 | 0)) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x2 + (0xfcefa3f8 | 0)) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x7 + 0x676f02d9) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x12 + (0x8d2a4c8a | 0)) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + (b ^ c ^ d) + x5 + (0xfffa3942 | 0)) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x8 + (0x8771f681 | 0)) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x11 + 0x6d9d6122) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x14 + (0xfde5380c | 0)) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x1 + (0xa4beea44 | 0)) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x4 + 0x4bdecfa9) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x7 + (0xf6bb4b60 | 0)) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x10 + (0xbebfbc70 | 0)) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x13 + 0x289b7ec6) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x0 + (0xeaa127fa | 0)) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x3 + (0xd4ef3085 | 0)) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x6 + 0x04881d05) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x9 + (0xd9d4d039 | 0)) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x12 + (0xe6db99e5 | 0)) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x15 + 0x1fa27cf8) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x2 + (0xc4ac5665 | 0)) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x0 + (0xf4292244 | 0)) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x7 + 0x432aff97) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x14 + (0xab9423a7 | 0)) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x5 + (0xfc93a039 | 0)) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x12 + 0x655b59c3) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x3 + (0x8f0ccc92 | 0)) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x10 + (0xffeff47d | 0)) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x1 + (0x85845dd1 | 0)) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x8 + 0x6fa87e4f) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x15 + (0xfe2ce6e0 | 0)) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x6 + (0xa3014314 | 0)) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x13 + 0x4e0811a1) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x4 + (0xf7537e82 | 0)) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x11 + (0xbd3af235 | 0)) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x2 + 0x2ad7d2bb) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x9 + (0xeb86d391 | 0)) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  out[0] = swap((a + 0x67452301) | 0);
  out[1] = swap((b + (0xefcdab89 | 0)) | 0);
  out[2] = swap((c + (0x98badcfe | 0)) | 0);
  out[3] = swap((d + 0x10325476) | 0);
  return true;
}
