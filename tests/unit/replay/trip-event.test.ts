/** TLC rows of both layouts as taxi-trip events, New York times, and layout detection. */
import { expect } from "chai";

import { detectLayout } from "../../../runtime/replay/layouts";
import { formatNewYorkTime, parseNewYorkTime } from "../../../runtime/replay/new-york-time";
import { event2009, event2015, TripParseError } from "../../../runtime/replay/trip-event";

const H2009 =
  "vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt";
const H2015 =
  "VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,pickup_longitude,pickup_latitude,RateCodeID,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount";

function row(header: string, line: string): Record<string, string> {
  const values = line.split(",");
  return Object.fromEntries(header.split(",").map((name, i) => [name, values[i]]));
}

describe("replay trip events", () => {
  it("converts a real 2009 row (2009 file row 2)", () => {
    const line =
      "DDS,2009-01-24 16:18:23,2009-01-24 16:24:56,1,0.4,-74.00158,40.719382,,,-74.008378,40.72035,CASH,3.7,0,,0,0,3.7";
    expect(event2009(row(H2009, line))).to.deep.equal({
      vendor: "DDS",
      pickupTime: "2009-01-24T16:18:23-05:00",
      dropoffTime: "2009-01-24T16:24:56-05:00",
      passengerCount: 1,
      tripDistance: 0.4,
      pickupLongitude: -74.00158,
      pickupLatitude: 40.719382,
      dropoffLongitude: -74.008378,
      dropoffLatitude: 40.72035,
      fareAmount: 3.7,
      tipAmount: 0,
      totalAmount: 3.7,
      paymentType: "cash",
    });
  });

  it("converts a real 2015 row (2015 file row 2)", () => {
    const line =
      "2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.993896484375,40.750110626220703,1,N,-73.974784851074219,40.750617980957031,1,12,1,0.5,3.25,0,0.3,17.05";
    expect(event2015(row(H2015, line))).to.deep.equal({
      vendor: "VTS",
      pickupTime: "2015-01-15T19:05:39-05:00",
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
  });

  // [layout, column, value, paymentType or vendor expected]
  const NAMES: [string, string, string, string, string][] = [
    ["2009", "Payment_Type", "CREDIT", "paymentType", "credit"],
    ["2009", "Payment_Type", "Credit", "paymentType", "credit"],
    ["2009", "Payment_Type", "No Charge", "paymentType", "no_charge"],
    ["2009", "Payment_Type", "Dispute", "paymentType", "dispute"],
    ["2015", "payment_type", "2", "paymentType", "cash"],
    ["2015", "payment_type", "3", "paymentType", "no_charge"],
    ["2015", "payment_type", "4", "paymentType", "dispute"],
    ["2015", "payment_type", "5", "paymentType", "unknown"],
    ["2015", "payment_type", "6", "paymentType", "voided"],
    ["2015", "VendorID", "1", "vendor", "CMT"],
    ["2009", "vendor_name", "VTS", "vendor", "VTS"],
  ];
  for (const [layout, column, value, field, expected] of NAMES) {
    it(`${layout} ${column} ${JSON.stringify(value)} is ${field} ${expected}`, () => {
      const base =
        layout === "2009"
          ? row(
              H2009,
              "DDS,2009-01-24 16:18:23,2009-01-24 16:24:56,1,0.4,-74.00158,40.719382,,,-74.008378,40.72035,CASH,3.7,0,,0,0,3.7",
            )
          : row(
              H2015,
              "2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.99,40.75,1,N,-73.97,40.75,1,12,1,0.5,3.25,0,0.3,17.05",
            );
      const event = (layout === "2009" ? event2009 : event2015)({ ...base, [column]: value });
      expect((event as unknown as Record<string, unknown>)[field]).to.equal(expected);
    });
  }

  it("refuses an unknown 2015 vendor code, naming it and what is allowed", () => {
    const base = row(
      H2015,
      "3,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.99,40.75,1,N,-73.97,40.75,1,12,1,0.5,3.25,0,0.3,17.05",
    );
    expect(() => event2015(base)).to.throw(TripParseError, 'VendorID is "3" (allowed: 1 or 2)');
  });

  // [TLC local time, RFC 3339 with New York's offset]: the DST switches of 2009 and 2015.
  const TIMES: [string, string][] = [
    ["2009-01-24 16:18:23", "2009-01-24T16:18:23-05:00"],
    ["2009-03-08 01:59:59", "2009-03-08T01:59:59-05:00"],
    ["2009-03-08 03:00:00", "2009-03-08T03:00:00-04:00"],
    ["2009-07-04 12:00:00", "2009-07-04T12:00:00-04:00"],
    ["2009-11-01 00:59:59", "2009-11-01T00:59:59-04:00"],
    ["2009-11-01 02:00:00", "2009-11-01T02:00:00-05:00"],
    ["2015-03-08 03:30:00", "2015-03-08T03:30:00-04:00"],
    ["2015-11-01 01:30:00", "2015-11-01T01:30:00-04:00"],
    ["2015-12-31 23:59:59", "2015-12-31T23:59:59-05:00"],
  ];
  for (const [local, rfc3339] of TIMES) {
    it(`New York ${local} is ${rfc3339}`, () => {
      const ms = parseNewYorkTime(local);
      expect(ms).to.equal(Date.parse(rfc3339));
      expect(formatNewYorkTime(ms as number)).to.equal(rfc3339);
    });
  }

  for (const bad of ["2009-02-30 10:00:00", "2009-01-24T16:18:23", "2009-01-24 24:00:00", "", "1/24/2009 16:18"]) {
    it(`${JSON.stringify(bad)} is not a TLC time`, () => expect(parseNewYorkTime(bad)).to.equal(undefined));
  }

  const HEADERS: [string, string, string | undefined][] = [
    ["the 2009 header", H2009, "2009"],
    ["the 2015 header", H2015, "2015"],
    ["the 2015 header with padded names", H2015.replace(/,/g, " , "), "2015"],
    ["a 2016 green-cab header", "VendorID,lpep_pickup_datetime,Lpep_dropoff_datetime,Passenger_count", undefined],
    ["NAB's nyc_taxi.csv header", "timestamp,value", undefined],
  ];
  for (const [what, header, expected] of HEADERS) {
    it(`${what} is ${expected ?? "neither layout"}`, () =>
      expect(detectLayout(header.split(","))?.name).to.equal(expected));
  }
});
