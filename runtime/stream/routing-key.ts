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
    return md5OfShortAscii(partitionKey) ?? fromHex(hash("md5", partitionKey, "hex"));
  }
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

function fromHex(hex: string): RoutingKey {
  return new RoutingKey(
    parseInt(hex.slice(0, 8), 16),
    parseInt(hex.slice(8, 16), 16),
    parseInt(hex.slice(16, 24), 16),
    parseInt(hex.slice(24, 32), 16),
  );
}

/** The 16 message words of the one block, reused (one key at a time, synchronously). */
const X = new Int32Array(16);

/** Big-endian value of a little-endian MD5 state word. */
const swap = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

/** Per-round shift amounts and sine constants of RFC 1321. */
const SHIFTS = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4,
  11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];
const SINES = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

/** RFC 1321 MD5 of a string of at most 55 ASCII characters (one padded block); undefined otherwise. */
function md5OfShortAscii(text: string): RoutingKey | undefined {
  const n = text.length;
  if (n > 55) return undefined;
  X.fill(0);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    X[i >> 2] |= c << ((i & 3) << 3);
  }
  X[n >> 2] |= 0x80 << ((n & 3) << 3);
  X[14] = n << 3;
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const rotated = (a + f + SINES[i] + X[g]) | 0;
    const s = SHIFTS[i];
    a = d;
    d = c;
    c = b;
    b = (b + ((rotated << s) | (rotated >>> (32 - s)))) | 0;
  }
  return new RoutingKey(
    swap((a + 0x67452301) | 0),
    swap((b + (0xefcdab89 | 0)) | 0),
    swap((c + (0x98badcfe | 0)) | 0),
    swap((d + 0x10325476) | 0),
  );
}
