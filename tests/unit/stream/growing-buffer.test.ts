import { expect } from "chai";
import { GrowingBuffer } from "../../../runtime/stream/growing-buffer";

describe("GrowingBuffer", () => {
  it("keeps what was written when it grows, whatever the sizes of the writes", () => {
    const buffer = new GrowingBuffer();
    const expected: number[] = [];
    // From one byte to several times the initial capacity in one write.
    for (const n of [1, 700, 5, 1500, 9000, 3]) {
      buffer.reserve(n);
      for (let i = 0; i < n; i++) {
        const byte = (expected.length * 31 + 7) & 0xff;
        buffer.bytes[buffer.length++] = byte;
        expected.push(byte);
      }
      expect(buffer.bytes.length).to.be.at.least(buffer.length);
    }
    const out = Buffer.alloc(expected.length + 2);
    expect(buffer.copyTo(out, 2)).to.equal(expected.length + 2);
    expect([...out.subarray(2)]).to.deep.equal(expected);
  });
});
