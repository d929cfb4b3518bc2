/** JSON Schema validation: every violation with its pointer and keyword, compile errors, the cache per version. */
import { expect } from "chai";
import {
  compileSchema,
  SchemaDefinitionError,
  SchemaValidators,
  Violation,
} from "../../../runtime/schemas/json-validation";
import weatherReport from "../../../schemas/weather-report.json";

const REPORT = { location: { city: "Phoenix", state: "Arizona" }, temperature: 115, timestamp: 1627335205 };

describe("JSON Schema validation", () => {
  const validate = compileSchema(weatherReport, "weather-report");

  const cases: [string, unknown, Violation[]][] = [
    ["a valid report", REPORT, []],
    ["extra top-level fields (open object)", { ...REPORT, windSpeed: 50 }, []],
    [
      "a missing required field",
      { location: REPORT.location, temperature: 115 },
      [{ pointer: "/timestamp", keyword: "required", message: "must have required property 'timestamp'" }],
    ],
    [
      "an extra field in the closed location",
      { ...REPORT, location: { ...REPORT.location, country: "US" } },
      [
        {
          pointer: "/location/country",
          keyword: "additionalProperties",
          message: "must NOT have additional properties",
        },
      ],
    ],
    [
      "every violation at once",
      { location: { city: 7 }, temperature: 98.6, timestamp: "yesterday" },
      [
        { pointer: "/location/state", keyword: "required", message: "must have required property 'state'" },
        { pointer: "/location/city", keyword: "type", message: "must be string" },
        { pointer: "/temperature", keyword: "type", message: "must be integer" },
        { pointer: "/timestamp", keyword: "type", message: "must be integer" },
      ],
    ],
    ["not an object", [REPORT], [{ pointer: "", keyword: "type", message: "must be object" }]],
  ];
  for (const [name, data, violations] of cases) {
    it(`reports ${name}`, () => {
      expect(validate(data)).to.deep.equal(violations);
    });
  }

  it("escapes property names in pointers (RFC 6901)", () => {
    const strict = compileSchema({ type: "object", required: ["a/b", "c~d"] }, "test");
    expect(strict({}).map((v) => v.pointer)).to.deep.equal(["/a~1b", "/c~0d"]);
  });

  it("checks formats (date-time needs an offset) and bounds", () => {
    const schema = {
      type: "object",
      properties: { at: { type: "string", format: "date-time" }, lat: { type: "number", minimum: -90, maximum: 90 } },
    };
    const check = compileSchema(schema, "test");
    expect(check({ at: "2009-01-24T16:18:23-05:00", lat: 40.7 })).to.deep.equal([]);
    expect(check({ at: "2009-01-24 16:18:23", lat: 91 }).map((v) => `${v.pointer} ${v.keyword}`)).to.deep.equal([
      "/at format",
      "/lat maximum",
    ]);
  });

  const broken: [string, unknown, RegExp][] = [
    [
      "an unknown type",
      { type: "strin" },
      /^orders version 2 is not a valid JSON Schema \(draft-07\): schema is invalid/,
    ],
    ["a bad pattern", { type: "string", pattern: "([a-z" }, /^orders version 2 is not a valid JSON Schema/],
    [
      "draft-04",
      { $schema: "http://json-schema.org/draft-04/schema#" },
      /orders version 2: \$schema "http:\/\/json-schema.org\/draft-04\/schema#" is not supported \(allowed: "http:\/\/json-schema.org\/draft-07\/schema#"\)/,
    ],
  ];
  for (const [name, schema, message] of broken) {
    it(`refuses a schema with ${name}, naming it`, () => {
      expect(() => compileSchema(schema, "orders version 2")).to.throw(SchemaDefinitionError, message);
    });
  }

  it("accepts $schema draft-07 with or without the trailing #", () => {
    expect(compileSchema({ $schema: "http://json-schema.org/draft-07/schema" }, "t")(1)).to.deep.equal([]);
  });
});

describe("SchemaValidators", () => {
  it("compiles once per schema version id", () => {
    const validators = new SchemaValidators();
    const first = validators.validatorFor("id-1", weatherReport);
    expect(validators.validatorFor("id-1", weatherReport)).to.equal(first);
    expect(validators.size).to.equal(1);
  });

  it("keeps versions of one schema (same $id) apart", () => {
    const validators = new SchemaValidators();
    const v2 = {
      ...weatherReport,
      properties: { ...weatherReport.properties, temperature: { type: "number" } },
    };
    const report = { ...REPORT, temperature: 98.6 };
    expect(
      validators
        .validatorFor(
          "v1",
          weatherReport,
        )(report)
        .map((v) => v.pointer),
    ).to.deep.equal(["/temperature"]);
    expect(validators.validatorFor("v2", v2)(report)).to.deep.equal([]);
    expect(validators.size).to.equal(2);
  });

  it("names the version in a compile error", () => {
    expect(() => new SchemaValidators().validatorFor("abc", { type: 5 })).to.throw(
      SchemaDefinitionError,
      /^schema version abc is not a valid JSON Schema/,
    );
  });
});
