/**
 * The partition key table of an aggregate being filled: each distinct key's index, found by
 * a hash of the key's MD5 (which routing has computed already) rather than by the string.
 *
 * A Map keyed by the strings reads other keys' strings to tell a new key from them. In a
 * 1 MiB aggregate's table of ~7,000 keys those strings lie all over the heap and each read
 * misses the cache: with four shards' tables open, that lookup made 1 MiB aggregates cost
 * a third more per record than 51,200 B ones (bench/aggregation-cpu.ts). Here a probe
 * compares 32-bit hashes held side by side in a typed array and reads a key's string only
 * when the hashes agree (the same key, or a chance in 2^32).
 *
 * The hash mixes the MD5 with a random seed per process: where a key lands cannot be
 * predicted from outside, so nobody can choose partition keys that pile up in one probe run.
 */
import { randomBytes } from "node:crypto";

const SEED = randomBytes(8);
const SEED0 = SEED.readInt32LE(0);
const SEED1 = SEED.readInt32LE(4);

/** Slots of a new table (a power of two); it doubles to stay at most half full. */
const INITIAL_SLOTS = 64;

export class PartitionKeyIndex {
  /** Per slot: the key's index + 1 (0: a free slot) and its hash. */
  private slots = new Int32Array(INITIAL_SLOTS);
  private hashes = new Int32Array(INITIAL_SLOTS);
  /** The keys by index: the order of the aggregate's partition key table. */
  private readonly keys: string[] = [];

  /** The table's hash of a key whose MD5, as four big-endian words, is `md5`. */
  static hashOf(md5: ArrayLike<number>): number {
    let h = Math.imul(md5[0] ^ SEED0, 0x9e3779b1) ^ Math.imul(md5[1] ^ SEED1, 0x85ebca77);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae3d);
    return h ^ (h >>> 13);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The index of `key` (whose hash is `hash`), or -1 when the table does not hold it. */
  indexOf(key: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i];
      if (slot === 0) return -1;
      if (this.hashes[i] === hash && this.keys[slot - 1] === key) return slot - 1;
    }
  }

  /** Forgets every key, keeping the table's size for the next aggregate. */
  clear(): void {
    this.slots.fill(0);
    this.keys.length = 0;
  }

  /** Adds `key`, which the table does not hold (indexOf said -1); returns its index. */
  add(key: string, hash: number): number {
    if ((this.keys.length + 1) * 2 > this.slots.length) this.grow();
    const index = this.keys.length;
    this.keys.push(key);
    this.place(index + 1, hash);
    return index;
  }

  private place(slot: number, hash: number): void {
    const mask = this.slots.length - 1;
    let i = hash & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = slot;
    this.hashes[i] = hash;
  }

  private grow(): void {
    const slots = this.slots;
    const hashes = this.hashes;
    this.slots = new Int32Array(slots.length * 2);
    this.hashes = new Int32Array(slots.length * 2);
    for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) this.place(slots[i], hashes[i]);
  }
}
