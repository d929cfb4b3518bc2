/**
 * Which TLC rows the replay sends: a table of real rows from data/nyc-taxi (TLC trip
 * records), one per verdict, and the counts over both shipped files.
 */
import path from "node:path";
import { expect } from "chai";

import { LAYOUTS, LayoutName } from "../../../runtime/replay/layouts";
import { classifyRow, NYC_BOUNDS } from "../../../runtime/replay/row-check";
import { readTripFile } from "../../../runtime/replay/trip-file";

const TAXI_DATA = path.join(__dirname, "..", "..", "..", "data", "nyc-taxi");
const HEADER: Record<LayoutName, string> = {
  "2009":
    "vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt",
  "2015":
    "VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,pickup_longitude,pickup_latitude,RateCodeID,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount",
};

function row(layout: LayoutName, line: string): Record<string, string> {
  const values = line.split(",");
  return Object.fromEntries(HEADER[layout].split(",").map((name, i) => [name, values[i] ?? ""]));
}

// [what, layout, the row (file:row where it is real), expected verdict]
const CASES: [string, LayoutName, string, string][] = [
  [
    "a good 2009 trip (2009 file row 2)",
    "2009",
    "DDS,2009-01-24 16:18:23,2009-01-24 16:24:56,1,0.4,-74.00158,40.719382,,,-74.008378,40.72035,CASH,3.7,0,,0,0,3.7",
    "trip",
  ],
  [
    "dropoff a minute before pickup (2009 file row 212)",
    "2009",
    "VTS,2009-01-25 16:08:00,2009-01-25 16:07:00,1,1.7,-73.965675,40.774278,,,-73.98117,40.752925,Credit,6.5,0,,2,0,8.5",
    "dropoff-before-pickup",
  ],
  [
    "a good 2015 trip (2015 file row 2)",
    "2015",
    "2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.993896484375,40.750110626220703,1,N,-73.974784851074219,40.750617980957031,1,12,1,0.5,3.25,0,0.3,17.05",
    "trip",
  ],
  [
    "pickup and dropoff at 0/0 (2015 file row 33)",
    "2015",
    "2,2015-01-15 19:05:43,2015-01-15 19:05:44,2,.01,0,0,5,N,0,0,1,60,0,0,0,0,0.3,60.3",
    "zero-coordinates",
  ],
  [
    "dropoff alone at 0/0 (2015 file row 374)",
    "2015",
    "1,2015-01-01 01:08:56,2015-01-01 01:08:56,4,.00,-73.980789184570313,40.676605224609375,1,Y,0,0,2,20,0.5,0.5,0,0,0,21.3",
    "zero-coordinates",
  ],
  [
    "dropoff east of the city, in Nassau County (2015 file row 276)",
    "2015",
    "2,2015-01-18 19:49:28,2015-01-18 20:19:36,1,18.36,-73.915321350097656,40.760505676269531,1,N,-73.680809020996094,40.730873107910156,1,49.5,0,0.5,9.9,0,0.3,60.2",
    "outside-nyc",
  ],
  [
    "a negative fare, a dispute (2015 file row 3833)",
    "2015",
    "2,2015-01-17 22:40:27,2015-01-17 22:43:04,1,.11,-74.002357482910156,40.739826202392578,1,N,-74.001113891601563,40.741107940673828,4,-3.5,-0.5,-0.5,0,0,0.3,-4.8",
    "negative-fare",
  ],
  // The shipped files hold no unparsable row: these are real rows with one field broken.
  [
    "2015 row 2 with a pickup time that is not a time",
    "2015",
    "2,2015-01-15 7:05pm,2015-01-15 19:23:42,1,1.59,-73.993896484375,40.750110626220703,1,N,-73.974784851074219,40.750617980957031,1,12,1,0.5,3.25,0,0.3,17.05",
    "unparsable",
  ],
  [
    "2015 row 2 with an empty pickup longitude",
    "2015",
    "2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,,40.750110626220703,1,N,-73.974784851074219,40.750617980957031,1,12,1,0.5,3.25,0,0.3,17.05",
    "unparsable",
  ],
  [
    "2015 row 2 with payment type 7",
    "2015",
    "2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.993896484375,40.750110626220703,1,N,-73.974784851074219,40.750617980957031,7,12,1,0.5,3.25,0,0.3,17.05",
    "unparsable",
  ],
  [
    "2009 row 2 with a fare of 'n/a'",
    "2009",
    "DDS,2009-01-24 16:18:23,2009-01-24 16:24:56,1,0.4,-74.00158,40.719382,,,-74.008378,40.72035,CASH,n/a,0,,0,0,3.7",
    "unparsable",
  ],
  [
    "2009 row 2 cut short (no amounts)",
    "2009",
    "DDS,2009-01-24 16:18:23,2009-01-24 16:24:56,1,0.4,-74.00158,40.719382,,,-74.008378,40.72035",
    "unparsable",
  ],
  [
    "2009 row 2 with 1.5 passengers",
    "2009",
    "DDS,2009-01-24 16:18:23,2009-01-24 16:24:56,1.5,0.4,-74.00158,40.719382,,,-74.008378,40.72035,CASH,3.7,0,,0,0,3.7",
    "unparsable",
  ],
];

describe("replay row check", () => {
  for (const [what, layout, line, expected] of CASES) {
    it(`${what}: ${expected}`, () => {
      const verdict = classifyRow(row(layout, line), LAYOUTS[layout]);
      expect(verdict.kind === "trip" ? "trip" : verdict.reason).to.equal(expected);
    });
  }

  it("names the bad field and value of an unparsable row", () => {
    const verdict = classifyRow(row("2015", CASES[7][2]), LAYOUTS["2015"]);
    expect(verdict).to.deep.include({ kind: "skip", reason: "unparsable" });
    expect((verdict as { detail: string }).detail).to.equal(
      'tpep_pickup_datetime is "2015-01-15 7:05pm", not a TLC time (allowed: YYYY-MM-DD hh:mm:ss)',
    );
  });

  it("uses New York City's bounding box: the five boroughs' extent, to two decimals", () => {
    expect(NYC_BOUNDS).to.deep.equal({
      minLongitude: -74.26,
      maxLongitude: -73.7,
      minLatitude: 40.49,
      maxLatitude: 40.92,
    });
  });

  // data/README.md: 92 rows of the 2015 file have 0/0 pickups; 8 more have only the dropoff at 0/0.
  it("skips 196 dropoff-before-pickup rows of the 2009 file, and nothing else", () => {
    const file = readTripFile(path.join(TAXI_DATA, "yellow_tripdata_2009-01_10k.csv"));
    expect([file.rows, file.trips.length, file.skipped.toJSON()]).to.deep.equal([
      10_000,
      9_804,
      { "dropoff-before-pickup": 196 },
    ]);
  });

  it("skips the 0/0, out-of-town and negative-fare rows of the 2015 file", () => {
    const file = readTripFile(path.join(TAXI_DATA, "yellow_tripdata_2015-01_head.csv"));
    expect([file.rows, file.trips.length, file.skipped.toJSON()]).to.deep.equal([
      4_999,
      4_891,
      { "negative-fare": 2, "outside-nyc": 6, "zero-coordinates": 100 },
    ]);
    expect(file.trips.filter(({ trip }) => trip.pickupLongitude === 0)).to.have.length(0);
  });
});
