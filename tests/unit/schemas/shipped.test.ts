/**
 * The schemas in schemas/: each is a strict draft-07 JSON Schema with $id, title and
 * description, and real NYC taxi rows, converted to taxi-trip events, validate.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { expect } from "chai";
import { compileSchema } from "../../../runtime/schemas/json-validation";
import { event2009, event2015 } from "../../../runtime/replay/trip-event";

const SCHEMAS = path.join(__dirname, "..", "..", "..", "schemas");
// The real TLC samples shipped in data/ (see data/README.md for their provenance).
const TAXI_DATA = path.join(__dirname, "..", "..", "..", "data", "nyc-taxi");

type Row = Record<string, string>;

function rows(csv: string): Row[] {
  const [header, ...lines] = csv.trim().split("\n");
  const names = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [names[i], value])));
}

// Real rows from data/nyc-taxi (TLC trip records), among them the dirty ones:
// upper/mixed-case payment types, 0 passengers, 0/0 coordinates, negative amounts (a dispute).
const ROWS_2009 = `vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt
DDS,2009-01-24 16:18:23,2009-01-24 16:24:56,1,0.4,-74.00158,40.719382,,,-74.008378,40.72035,CASH,3.7,0,,0,0,3.7
DDS,2009-01-21 08:55:57,2009-01-21 09:05:42,1,0.4,-73.98405,40.743544,,,-73.98026,40.748926,CREDIT,5.7,0,,1,0,6.7
VTS,2009-01-13 16:16:00,2009-01-13 16:19:00,1,1.13,-73.971717,40.746413,,,-73.961413,40.760323,Credit,4.9,1,,3,0,8.9`;
const ROWS_2015 = `VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,pickup_longitude,pickup_latitude,RateCodeID,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount
2,2015-01-15 19:05:39,2015-01-15 19:23:42,1,1.59,-73.993896484375,40.750110626220703,1,N,-73.974784851074219,40.750617980957031,1,12,1,0.5,3.25,0,0.3,17.05
1,2015-01-26 13:04:22,2015-01-26 13:11:32,1,.80,-73.977699279785156,40.759174346923828,1,N,-73.982955932617188,40.762794494628906,3,6,0,0.5,0,0,0.3,6.8
2,2015-01-17 22:40:27,2015-01-17 22:43:04,1,.11,-74.002357482910156,40.739826202392578,1,N,-74.001113891601563,40.741107940673828,4,-3.5,-0.5,-0.5,0,0,0.3,-4.8
2,2015-01-15 19:05:43,2015-01-15 19:05:44,2,.01,0,0,5,N,0,0,1,60,0,0,0,0,0.3,60.3
1,2015-01-26 13:55:39,2015-01-26 13:58:54,0,.40,-73.963600158691406,40.7740478515625,1,N,-73.959228515625,40.780147552490234,2,4,0,0.5,0,0,0.3,4.8`;

function schemaFile(name: string): unknown {
  return JSON.parse(readFileSync(path.join(SCHEMAS, name), "utf8"));
}

describe("shipped schemas", () => {
  const files = readdirSync(SCHEMAS).filter((file) => file.endsWith(".json"));

  it("include taxi-trip and weather-report", () => {
    expect(files).to.include.members(["taxi-trip.json", "weather-report.json"]);
  });

  for (const file of files) {
    it(`${file} is a strict draft-07 schema with $id, title and description`, () => {
      const schema = schemaFile(file) as Record<string, unknown>;
      expect(schema.$schema).to.equal("http://json-schema.org/draft-07/schema#");
      expect(schema.$id).to.equal(`urn:kinesis-pipeline:schemas:${path.basename(file, ".json")}`);
      expect(schema.title).to.be.a("string").and.not.equal("");
      expect(schema.description).to.be.a("string").and.not.equal("");
      // strict mode refuses unknown keywords and formats: a typo in a keyword would otherwise be ignored.
      const ajv = new Ajv({ strict: true, allErrors: true });
      addFormats(ajv);
      expect(() => ajv.compile(schema)).not.to.throw();
    });
  }

  describe("taxi-trip", () => {
    const validate = compileSchema(schemaFile("taxi-trip.json"), "taxi-trip");

    it("takes real 2009 and 2015 rows, dirty ones included", () => {
      const events = [...rows(ROWS_2009).map(event2009), ...rows(ROWS_2015).map(event2015)];
      expect(events).to.have.length(8);
      for (const event of events) expect(validate(event), JSON.stringify(event)).to.deep.equal([]);
    });

    it("takes every row of the shipped TLC samples in data/", () => {
      const read = (file: string) => rows(readFileSync(path.join(TAXI_DATA, file), "utf8"));
      const events = [
        ...read("yellow_tripdata_2009-01_10k.csv").map(event2009),
        ...read("yellow_tripdata_2015-01_head.csv").map(event2015),
      ];
      expect(events).to.have.length(14_999);
      const refused = events.filter((event) => validate(event).length > 0);
      expect(refused.slice(0, 3)).to.deep.equal([]);
    });

    it("refuses what the pipeline must not carry", () => {
      const good = event2015(rows(ROWS_2015)[0]);
      const bad = {
        ...good,
        pickupTime: "2015-01-15 19:05:39",
        passengerCount: 1.5,
        pickupLatitude: 140.75,
        paymentType: "Credit",
        surcharge: 1,
      };
      expect(validate(bad).map((v) => `${v.pointer} ${v.keyword}`)).to.deep.equal([
        "/surcharge additionalProperties",
        "/pickupTime format",
        "/passengerCount type",
        "/pickupLatitude maximum",
        "/paymentType enum",
      ]);
    });

    it("takes the taxi-trip payloads of the Java wire vectors", () => {
      const vectors = JSON.parse(
        readFileSync(path.join(__dirname, "..", "..", "fixtures", "glue-wire", "vectors.json"), "utf8"),
      );
      const trips = vectors.vectors.filter((v: { name: string }) => v.name.includes("taxi trip"));
      expect(trips).to.have.length(2);
      for (const trip of trips) expect(validate(JSON.parse(trip.payload))).to.deep.equal([]);
    });
  });

  describe("weather-report", () => {
    const validate = compileSchema(schemaFile("weather-report.json"), "weather-report");

    it("takes the AWS post's example report, extra windSpeed included", () => {
      const report = {
        location: { city: "Phoenix", state: "Arizona" },
        temperature: 115,
        windSpeed: 50,
        timestamp: 1627335205,
      };
      expect(validate(report)).to.deep.equal([]);
    });

    it("refuses a report without its location's state", () => {
      const report = { location: { city: "Phoenix" }, temperature: 115, timestamp: 1627335205 };
      expect(validate(report)).to.deep.equal([
        { pointer: "/location/state", keyword: "required", message: "must have required property 'state'" },
      ]);
    });
  });
});
