import { expect } from "chai";
import {
  claimKey,
  deadLetterObjectKey,
  partitionPath,
  tableObjectKey,
  timePartitionOf,
} from "../../../runtime/lake/object-keys";
import { comparePosition, parsePosition, positionText } from "../../../runtime/lake/position";

const segment = {
  shardId: "shardId-000000000001",
  first: { sequenceNumber: "49590338271490256608559692538361571095921575989136588818", subSequenceNumber: 3 },
};

describe("lake partition layout", () => {
  const cases: [string, string, string][] = [
    ["2026-12-07T01:59:59.999Z", "2026-12-07", "01"],
    ["2026-12-07T02:00:00.000Z", "2026-12-07", "02"],
    ["2026-12-31T23:30:00.000Z", "2026-12-31", "23"],
    // A record's time partition is UTC, whatever the worker's zone.
    ["2027-01-01T00:00:00.000+01:00", "2026-12-31", "23"],
  ];
  for (const [arrival, date, hour] of cases) {
    it(`arrival ${arrival} is date=${date}/hour=${hour}`, () => {
      expect(timePartitionOf(new Date(arrival))).to.deep.equal({ date, hour });
    });
  }

  it("names table objects, dead letters and claims by the segment", () => {
    const time = { date: "2026-12-07", hour: "01" };
    expect(tableObjectKey("taxi_trip", "acme", time, segment, 2)).to.equal(
      "tables/taxi_trip/tenant=acme/date=2026-12-07/hour=01/shardId-000000000001-49590338271490256608559692538361571095921575989136588818-3-v2.parquet",
    );
    expect(tableObjectKey("records", "untenanted", time, segment)).to.equal(
      "tables/records/tenant=untenanted/date=2026-12-07/hour=01/shardId-000000000001-49590338271490256608559692538361571095921575989136588818-3.parquet",
    );
    expect(deadLetterObjectKey("beta", time, segment)).to.equal(
      "dead-letters/tenant=beta/date=2026-12-07/hour=01/shardId-000000000001-49590338271490256608559692538361571095921575989136588818-3.jsonl",
    );
    expect(claimKey(segment)).to.equal(
      "segments/shardId-000000000001/49590338271490256608559692538361571095921575989136588818-3.json",
    );
  });

  const badTenants = ["", "Acme", "a/b", "../x", "a|b", "x".repeat(33)];
  for (const tenant of badTenants) {
    it(`refuses the partition of tenant ${JSON.stringify(tenant)}, naming it`, () => {
      expect(() => partitionPath(tenant, { date: "2026-12-07", hour: "01" })).to.throw(JSON.stringify(tenant));
    });
  }

  it("refuses a shard id that is not a safe path segment", () => {
    expect(() => claimKey({ ...segment, shardId: "a/../b" })).to.throw('"a/../b"');
  });
});

describe("lake positions", () => {
  const order: [string, string, number][] = [
    ["1-0", "1-0", 0],
    ["1-0", "1-1", -1],
    ["2-0", "10-0", -1],
    ["10-0", "9-99", 1],
    [
      "49590338271490256608559692538361571095921575989136588818-0",
      "49590338271490256608559692538361571095921575989136588819-0",
      -1,
    ],
  ];
  for (const [a, b, sign] of order) {
    it(`${a} vs ${b}: ${sign}`, () => {
      expect(Math.sign(comparePosition(parsePosition(a), parsePosition(b)))).to.equal(sign);
      expect(positionText(parsePosition(a))).to.equal(a);
    });
  }
  it("refuses text that is not a position", () => {
    expect(() => parsePosition("12")).to.throw('"12"');
  });
});
