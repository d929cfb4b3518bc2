import { expect } from "chai";
import {
  evenCuts,
  ListedObject,
  parsePlan,
  partGroup,
  planBody,
  planParts,
  segmentObjectName,
} from "../../../runtime/lake/compaction/part-plan";

const HOUR = "date=2026-12-07/hour=09";
const obj = (table: string, tenant: string, stem: string, size: number, version?: number): ListedObject => ({
  key: `tables/${table}/tenant=${tenant}/${HOUR}/${stem}${version === undefined ? "" : `-v${version}`}.parquet`,
  size,
});
const seg = (i: number) => `shardId-000000000000-4965${String(i).padStart(4, "0")}-0`;

describe("lake compaction: segment object names", () => {
  it("reads table, tenant, hour and version; the generic table has no version", () => {
    expect(segmentObjectName(obj("taxi_trip", "acme", seg(1), 1, 3).key)).to.deep.equal({
      table: "taxi_trip",
      tenant: "acme",
      time: { date: "2026-12-07", hour: "09" },
      version: 3,
    });
    expect(segmentObjectName(obj("records", "_mixed", seg(1), 1).key)).to.deep.equal({
      table: "records",
      tenant: "_mixed",
      time: { date: "2026-12-07", hour: "09" },
    });
  });
  for (const bad of [
    "tables/records/tenant=a/date=2026-12-07/hour=09/x.jsonl",
    "tables/records/date=2026-12-07/hour=09/x.parquet",
    "compacted/records/tenant=a/date=2026-12-07/hour=09/x.parquet",
  ]) {
    it(`refuses ${bad}`, () => expect(() => segmentObjectName(bad)).to.throw(/a segment object is tables\//));
  }
});

describe("lake compaction: even cuts", () => {
  const cases: [string, number[], number, number[]][] = [
    ["one part takes all", [5, 5, 5], 1, [0]],
    ["equal sizes cut evenly", [1, 1, 1, 1], 2, [0, 2]],
    ["the cut falls nearest half the bytes", [10, 1, 1, 1, 10], 2, [0, 2]],
    ["a big object alone", [1, 100, 1], 3, [0, 1, 2]],
    ["every run keeps one object at least", [100, 1, 1], 3, [0, 1, 2]],
    ["uneven but balanced", [3, 3, 3, 3, 3, 3, 3], 3, [0, 2, 5]],
  ];
  for (const [name, sizes, n, want] of cases) {
    it(name, () => expect(evenCuts(sizes, n)).to.deep.equal(want));
  }
  it("refuses more parts than objects", () =>
    expect(() => evenCuts([1, 2], 3)).to.throw(/2 objects cut into 1 to 2 parts, not 3/));
});

describe("lake compaction: the part plan of an hour", () => {
  const MIB = 1024 * 1024;

  it("one part per table, tenant and version while the hour is small", () => {
    const listing = [
      obj("taxi_trip", "acme", seg(2), 3 * MIB, 1),
      obj("records", "acme", seg(1), 2 * MIB),
      obj("taxi_trip", "acme", seg(1), 3 * MIB, 2),
      obj("taxi_trip", "acme", seg(1), 3 * MIB, 1),
      obj("records", "zeta", seg(1), 1 * MIB),
    ];
    const plan = planParts(listing, 256 * MIB);
    expect(plan.map((p) => [p.key, p.inputs.length, p.bytes])).to.deep.equal([
      [`compacted/records/tenant=acme/${HOUR}/part-0-of-1.parquet`, 1, 2 * MIB],
      [`compacted/records/tenant=zeta/${HOUR}/part-0-of-1.parquet`, 1, 1 * MIB],
      [`compacted/taxi_trip/tenant=acme/${HOUR}/part-0-of-1-v1.parquet`, 2, 6 * MIB],
      [`compacted/taxi_trip/tenant=acme/${HOUR}/part-0-of-1-v2.parquet`, 1, 3 * MIB],
    ]);
    expect(plan[2].inputs).to.deep.equal([listing[3].key, listing[0].key]);
    expect(plan[2].version).to.equal(1);
    expect(plan[0]).to.not.have.property("version");
  });

  it("splits a large hour evenly into the fewest parts of at most partBytes", () => {
    // 40 objects of 6 MiB = 240 MiB over 64 MiB parts: 4 parts of 60 MiB.
    const listing = Array.from({ length: 40 }, (_, i) => obj("records", "acme", seg(i), 6 * MIB));
    const plan = planParts(listing, 64 * MIB);
    expect(plan.map((p) => [p.index, p.of, p.bytes / MIB])).to.deep.equal([
      [0, 4, 60],
      [1, 4, 60],
      [2, 4, 60],
      [3, 4, 60],
    ]);
    expect(plan.flatMap((p) => p.inputs)).to.deep.equal(listing.map((o) => o.key));
  });

  it("is the same whatever order the listing comes in", () => {
    const listing = Array.from({ length: 23 }, (_, i) => obj("records", `t${i % 3}`, seg(i), (i % 5) * MIB + 17));
    const shuffled = [...listing].sort((a, b) => (a.size % 7) - (b.size % 7) || (a.key < b.key ? 1 : -1));
    expect(planParts(shuffled, 2 * MIB)).to.deep.equal(planParts(listing, 2 * MIB));
  });

  it("never plans an empty part: one object larger than partBytes is one part", () => {
    const plan = planParts([obj("records", "acme", seg(1), 10 * MIB)], MIB);
    expect(plan.map((p) => [p.of, p.inputs.length])).to.deep.equal([[1, 1]]);
  });

  it("refuses an object that is no segment object", () => {
    expect(() => planParts([{ key: "tables/records/readme.txt", size: 1 }], MIB)).to.throw(/readme\.txt/);
  });

  it("an empty hour has no parts", () => expect(planParts([], MIB)).to.deep.equal([]));
});

describe("lake compaction: an hour's plan, pinned", () => {
  const MIB = 1024 * 1024;
  const listing = Array.from({ length: 10 }, (_, i) => obj("records", "acme", seg(i), MIB));

  it("the plan object keeps each part's key and inputs, and reads back as it was", () => {
    const plans = planParts([...listing, obj("order", "beta", seg(1), MIB, 2)], 4 * MIB);
    const body = planBody(plans);
    const read = parsePlan(body);
    expect(read).to.have.length(plans.length);
    for (const p of plans) expect(read.find((r) => r.key === p.key)?.inputs).to.deep.equal(p.inputs);
    // Every input in exactly one part.
    const inputs = read.flatMap((r) => r.inputs);
    expect(new Set(inputs).size).to.equal(inputs.length);
    expect(inputs.sort()).to.deep.equal(
      [...listing.map((o) => o.key), obj("order", "beta", seg(1), MIB, 2).key].sort(),
    );
    expect(partGroup({ table: "order", tenant: "beta", version: 2 })).to.equal("order/tenant=beta/v2");
  });

  for (const bad of [
    "",
    "{}",
    '{"parts": []}',
    '{"parts": {"a": 1}}',
    '{"parts": [{"key": "k", "inputs": []}]}',
    '{"parts": [{"key": "k"}]}',
    '{"parts": [{"key": 1, "inputs": ["a"]}]}',
    "null",
  ]) {
    it(`refuses the plan object ${JSON.stringify(bad)}`, () => {
      expect(() => parsePlan(bad)).to.throw(/a compaction plan is/);
    });
  }
});
