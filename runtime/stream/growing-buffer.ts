/**
 * Bytes written at the end of a buffer that doubles when it must: how an aggregate's parts
 * are encoded as its records arrive, so an open aggregate holds its bytes rather than the
 * records' objects (which then die young instead of surviving garbage collections while a
 * 1 MiB aggregate fills).
 *
 * Writers reserve what they are about to write, then write into `bytes` from `length` on
 * and move `length` themselves: one capacity check per record, none per byte.
 */

/** Where a buffer starts: a small aggregate (a record or two under a light load) stays small. */
const INITIAL_CAPACITY = 1024;

export class GrowingBuffer {
  bytes: Buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** Bytes written so far: what follows `length` in `bytes` is not part of the content. */
  length = 0;

  /** Makes room for `n` more bytes after `length`. */
  reserve(n: number): void {
    const needed = this.length + n;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** Copies the content into `out` at `at`; returns the offset after it. */
  copyTo(out: Buffer, at: number): number {
    return at + this.bytes.copy(out, at, 0, this.length);
  }
}
