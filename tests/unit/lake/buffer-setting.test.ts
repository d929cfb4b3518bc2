/** LAKE_BUFFER_BYTES: the worker's memory budget, from the stack or a quarter of V8's heap limit. */
import { expect } from "chai";
import { getHeapStatistics } from "node:v8";
import { heapBudgetBound, lakeBufferBytes, lakeHeapMiB } from "../../../runtime/lake/contract";
import { readLakeSettings } from "../../../runtime/lake/settings";

const base = {
  STREAM_NAME: "s",
  AWS_REGION: "us-east-1",
  APPLICATION_NAME: "lake-app",
  LAKE_BUCKET: "lake-bucket",
};

describe("lake memory budget setting", () => {
  it("unset: a quarter of V8's heap limit", () => {
    const heap = getHeapStatistics().heap_size_limit;
    expect(readLakeSettings(base).bufferBytes).to.equal(Math.floor(heap / 4));
  });

  it("set: as given", () => {
    expect(readLakeSettings({ ...base, LAKE_BUFFER_BYTES: "536870912" }).bufferBytes).to.equal(536870912);
  });

  const refused = ["1048575", "0", "-5", "lots", "1099511627777"];
  for (const value of refused) {
    it(`refuses ${value}, naming it and what is allowed`, () => {
      expect(() => readLakeSettings({ ...base, LAKE_BUFFER_BYTES: value }))
        .to.throw(/LAKE_BUFFER_BYTES/)
        .and.satisfy((e: Error) => e.message.includes(value) && e.message.includes("an integer from 1048576"));
    });
  }

  it("never below one record of the largest size Kinesis takes", () => {
    expect(lakeBufferBytes(0)).to.equal(1024 * 1024);
    expect(lakeBufferBytes(2048 * 1024 * 1024)).to.equal(512 * 1024 * 1024);
  });
});

describe("lake task heap: what the stack gives V8, and the budget it holds", () => {
  const MIB = 1024 * 1024;
  const cases: [number, number][] = [
    [1024, 512],
    [2048, 1024],
    [8192, 4096],
  ];
  for (const [memoryMiB, heapMiB] of cases) {
    it(`a ${memoryMiB} MiB task: --max-old-space-size=${heapMiB}, and its budget within half that heap`, () => {
      expect(lakeHeapMiB(memoryMiB)).to.equal(heapMiB);
      // What the worker checks at start against the heap V8 reports (a little above the old space).
      expect(lakeBufferBytes(memoryMiB * MIB)).to.be.at.most(heapBudgetBound(heapMiB * MIB));
    });
  }

  it("a budget over half the heap is what the worker warns about", () => {
    expect(heapBudgetBound(1024 * MIB)).to.equal(512 * MIB);
  });
});
