import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readHotspotTrips } from "../../../runtime/hotspots/trip-file-reader";
import { UsageError } from "../../../runtime/common/usage-error";

const HEADER_2015 =
  "VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,pickup_longitude,pickup_latitude,RateCodeID,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount";
const ROW_2015 = (pickup: string, lon: string) =>
  `2,${pickup},2015-01-15 19:23:42,1,1.59,${lon},40.75,1,N,-73.97,40.75,1,12,1,0.5,3.25,0,0.3,17.05`;

describe("the hot-spot CLI's trip file", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "hotspot-trips-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string) => {
    const name = path.join(dir, "trips.csv");
    writeFileSync(name, text);
    return name;
  };

  it("reads the 2015 layout in file order, keeping rows the replay would skip (0/0, an unusable payment type)", () => {
    const trips = readHotspotTrips(
      file(
        [
          HEADER_2015,
          ROW_2015("2015-01-15 19:05:39", "-73.99"),
          ROW_2015("2015-01-15 18:00:00", "0").replace(",40.75,", ",0,"),
          // payment_type "x": the replay's reader refuses the row (unparsable), the job needs no payment type.
          ROW_2015("2015-01-15 19:10:00", "-73.98").replace(",1,12,", ",x,12,"),
        ].join("\n"),
      ),
    );
    expect(trips.map((t) => [t.pickupTime, t.pickupLon, t.pickupLat])).to.deep.equal([
      // TLC times are New York wall clock: 19:05:39 EST is 00:05:39 UTC the next day.
      [Date.parse("2015-01-16T00:05:39Z"), -73.99, 40.75],
      [Date.parse("2015-01-15T23:00:00Z"), 0, 0],
      [Date.parse("2015-01-16T00:10:00Z"), -73.98, 40.75],
    ]);
  });

  it("names the columns a header near a layout lacks, and refuses it", () => {
    const cut = HEADER_2015.split(",").filter((c) => c !== "payment_type" && c !== "fare_amount");
    const name = file([cut.join(","), "1"].join("\n"));
    expect(() => readHotspotTrips(name))
      .to.throw(UsageError)
      .with.property("message")
      .that.contains("which is neither TLC layout (the 2015 layout also needs fare_amount, payment_type;");
  });

  it("refuses a row whose pickup is unusable, naming the file, the row, the column and the value", () => {
    const name = file(
      [HEADER_2015, ROW_2015("2015-01-15 19:05:39", "-73.99"), ROW_2015("2015-01-15 19:05:39", "west")].join("\n"),
    );
    expect(() => readHotspotTrips(name))
      .to.throw(UsageError)
      .with.property("message", `${name} row 3: pickup_longitude is "west", not a number`);
  });
});
