/**
 * The lake benchmark's pure parts: the records it writes (their shape, size and tenants) and
 * how it sums up the objects a segment made.
 */
import { expect } from "chai";
import { ATHENA_OBJECT_BYTES, compactedHour } from "../../../bench/lib/lake-compaction";
import { LakeObject, objectSizes } from "../../../bench/lib/lake-objects";
import { lakeRecordText, lakeTenantOf, lakeUserRecords, meterPing } from "../../../bench/lib/lake-workload";
import { TaxiTrip } from "../../../runtime/replay/trip-event";
import { tenantOf } from "../../../runtime/stream/tenant-key";

const trip = (n: number): TaxiTrip => ({
  vendor: "VTS",
  pickupTime: `2015-01-15T19:0${n}:39-05:00`,
  dropoffTime: "2015-01-15T19:23:42-05:00",
  passengerCount: 1,
  tripDistance: 1.59,
  pickupLongitude: -73.993896484375,
  pickupLatitude: 40.750110626220703,
  dropoffLongitude: -73.974784851074219,
  dropoffLatitude: 40.750617980957031,
  fareAmount: 12,
  tipAmount: 3.25,
  totalAmount: 17.05,
  paymentType: "credit",
});
const TRIPS = [trip(1), trip(2), trip(3), trip(4)];

describe("lake benchmark workload", () => {
  it("100 B records are meter pings of about 100 bytes, 1 KB records three whole trips of about a kilobyte", () => {
    const small = lakeRecordText("100B", TRIPS, 0);
    expect(JSON.parse(small)).to.deep.equal(meterPing(TRIPS[0]));
    expect(Buffer.byteLength(small)).to.be.within(90, 130);
    const large = lakeRecordText("1KB", TRIPS, 1);
    // Record 1 takes trips 3, 4 and (round robin) 1.
    expect(JSON.parse(large)).to.deep.equal({ trips: [TRIPS[3], TRIPS[0], TRIPS[1]] });
    expect(Buffer.byteLength(large)).to.be.within(900, 1200);
    // The typed workload: one whole trip, the taxi-trip schema's shape.
    expect(JSON.parse(lakeRecordText("taxi", TRIPS, 2))).to.deep.equal(TRIPS[2]);
  });

  it("tenants take turns, and each record's partition key carries its tenant as ingest writes it", () => {
    expect([0, 1, 2, 3, 4].map((i) => lakeTenantOf(i, 3))).to.deep.equal([
      "tenant-0",
      "tenant-1",
      "tenant-2",
      "tenant-0",
      "tenant-1",
    ]);
    const records = lakeUserRecords("100B", TRIPS, 6, 2);
    expect(records.map((r) => tenantOf(r.partitionKey))).to.deep.equal([
      "tenant-0",
      "tenant-1",
      "tenant-0",
      "tenant-1",
      "tenant-0",
      "tenant-1",
    ]);
    expect(new Set(records.map((r) => r.partitionKey)).size).to.equal(6);
  });

  it("refuses a workload without trips or tenants, naming what is allowed", () => {
    expect(() => lakeRecordText("1KB", [], 0)).to.throw(/at least one taxi trip/);
    expect(() => lakeTenantOf(0, 0)).to.throw(/tenants must be an integer >= 1, got 0/);
  });
});

describe("lake benchmark object sizes", () => {
  const object = (segment: string, rows: number, bytes: number, rowGroups: number[]): LakeObject => ({
    key: `${segment}/${rows}`,
    tenant: "t",
    rows,
    bytes,
    segment,
    rowGroups,
  });

  it("objects per segment, bytes and rows per object, rows per row group", () => {
    const sizes = objectSizes([
      object("s1", 100, 1000, [100]),
      object("s1", 300, 3000, [200, 100]),
      object("s2", 200, 2000, [200]),
    ]);
    expect(sizes).to.deep.equal({
      segments: 2,
      objects: 3,
      objectsPerSegment: 1.5,
      totalBytes: 6000,
      meanBytes: 2000,
      minBytes: 1000,
      maxBytes: 3000,
      meanRows: 200,
      rowGroupsPerObject: 4 / 3,
      meanRowsPerRowGroup: 150,
    });
  });

  it("says so when there is nothing to size", () => {
    expect(() => objectSizes([])).to.throw(/no objects were written/);
  });
});

describe("lake benchmark: a tenant's hour under steady load, compacted", () => {
  const MIB = 1024 * 1024;
  const roll = { maxBytes: 64 * MIB, maxAgeMs: 300_000 };
  const measured = { parquetPerDataByte: 0.2, mergedPerInputByte: 1 };

  it("a busy stream: one object per segment of each shard, cut into even parts of at most the part size", () => {
    // 4 shards at 1 MiB/s: a 64 MiB segment a shard every 64 s, 56.25 an hour; a quarter of each is the tenant's.
    const hour = compactedHour(
      { label: "busy", shards: 4, bytesPerSecondPerShard: MIB, tenants: 4 },
      roll,
      measured,
      256 * MIB,
    );
    expect(hour.objects).to.equal(225);
    expect(hour.objectBytes).to.equal(Math.round(16 * MIB * 0.2));
    const total = hour.parts.reduce((a, b) => a + b, 0);
    expect(total).to.be.closeTo(225 * 16 * MIB * 0.2, 225);
    expect(hour.parts).to.have.length(Math.ceil(total / (256 * MIB)));
    expect(Math.max(...hour.parts)).to.be.at.most(256 * MIB);
    expect(hour.athenaSized).to.equal(true);
  });

  it("a quiet shard: its segments cut by time, the tenant's hour one part however small; a small part beside others is not Athena-sized", () => {
    const quiet = compactedHour(
      { label: "quiet", shards: 1, bytesPerSecondPerShard: 64 * 1024, tenants: 4 },
      roll,
      measured,
      256 * MIB,
    );
    expect(quiet.objects).to.equal(12);
    expect(quiet.parts).to.have.length(1);
    expect(quiet.athenaSized).to.equal(true);
    // Parts of 16 MiB at most from a busy hour: many small parts, under Athena's 128 MB.
    const split = compactedHour(
      { label: "busy", shards: 4, bytesPerSecondPerShard: MIB, tenants: 4 },
      roll,
      measured,
      16 * MIB,
    );
    expect(split.parts.length).to.be.greaterThan(1);
    expect(split.parts.every((b) => b < ATHENA_OBJECT_BYTES)).to.equal(true);
    expect(split.athenaSized).to.equal(false);
  });
});
