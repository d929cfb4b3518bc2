/**
 * The lake benchmark's pure parts: the records it writes (their shape, size and tenants) and
 * how it sums up the objects a segment made.
 */
import { expect } from "chai";
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
