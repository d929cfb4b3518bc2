/**
 * The JSON Schema compatibility checker, mode by mode, as tables: each row is the existing
 * versions, the candidate, and the exact reasons expected (none = compatible).
 */
import { expect } from "chai";
import { checkCompatibility } from "../../../runtime/schemas/compatibility";
import { compileSchema } from "../../../runtime/schemas/json-validation";
import { COMPATIBILITY_MODES, Compatibility, parseCompatibility } from "../../../runtime/schemas/compatibility-mode";
import { JsonSchema } from "../../../runtime/schemas/schema-containment";
import weatherReport from "../../../schemas/weather-report.json";
import taxiTrip from "../../../schemas/taxi-trip.json";

type Schema = Record<string, any>;

/** A copy of `schema` changed by `edit`. */
function changed(schema: Schema, edit: (copy: Schema) => void): Schema {
  const copy = JSON.parse(JSON.stringify(schema));
  edit(copy);
  return copy;
}

const object = (properties: Schema, extra: Schema = {}): Schema => ({ type: "object", properties, ...extra });
const WEATHER: Schema = weatherReport;
const TAXI: Schema = taxiTrip;

const withCountry = changed(WEATHER, (s) => (s.properties.location.properties.country = { type: "string" }));
const withCountryRequired = changed(withCountry, (s) => s.properties.location.required.push("country"));

interface Row {
  name: string;
  previous: Schema[];
  candidate: Schema;
  reasons: string[];
}

function table(mode: Compatibility, rows: Row[]): void {
  describe(mode, () => {
    for (const row of rows) {
      it(`${row.name}: ${row.reasons.length === 0 ? "compatible" : "incompatible"}`, () => {
        const result = checkCompatibility(row.previous as JsonSchema[], row.candidate as JsonSchema, mode);
        expect(result).to.deep.equal({ compatible: row.reasons.length === 0, reasons: row.reasons });
      });
    }
  });
}

describe("JSON Schema compatibility", () => {
  table("BACKWARD", [
    {
      name: "reference: optional country added to the closed location",
      previous: [WEATHER],
      candidate: withCountry,
      reasons: [],
    },
    {
      name: "reference: country made required",
      previous: [withCountry],
      candidate: withCountryRequired,
      reasons: ["/properties/location/required: country became required"],
    },
    {
      name: "reference: country added as required at once",
      previous: [WEATHER],
      candidate: withCountryRequired,
      reasons: ["/properties/location/required: country became required"],
    },
    { name: "the same schema", previous: [WEATHER], candidate: WEATHER, reasons: [] },
    {
      name: "only descriptions and title changed",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => {
        s.title = "Weather";
        s.properties.temperature.description = "Degrees Fahrenheit.";
      }),
      reasons: [],
    },
    {
      name: "type widened integer to number",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.temperature.type = "number")),
      reasons: [],
    },
    {
      name: "type narrowed number to integer",
      previous: [changed(WEATHER, (s) => (s.properties.temperature.type = "number"))],
      candidate: WEATHER,
      reasons: ['/properties/temperature/type: type narrowed from "number" to "integer"'],
    },
    {
      name: "type changed integer to string",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.timestamp.type = "string")),
      reasons: ['/properties/timestamp/type: type narrowed from "integer" to "string"'],
    },
    {
      name: "null allowed as well",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.location.properties.state.type = ["string", "null"])),
      reasons: [],
    },
    {
      name: "enum grew",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => s.properties.paymentType.enum.push("mobile")),
      reasons: [],
    },
    {
      name: "enum shrank",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => s.properties.paymentType.enum.pop()),
      reasons: ['/properties/paymentType/enum: value "voided" is no longer accepted'],
    },
    {
      name: "enum added to a free string",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.location.properties.state.enum = ["Arizona", "Texas"])),
      reasons: [
        '/properties/location/properties/state/enum: enum ["Arizona","Texas"] was added: only those values are accepted now',
      ],
    },
    {
      name: "enum removed",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => delete s.properties.paymentType.enum),
      reasons: [],
    },
    {
      name: "const changed",
      previous: [object({ v: { const: "v1" } })],
      candidate: object({ v: { const: "v2" } }),
      reasons: ['/properties/v/const: value "v1" is no longer accepted'],
    },
    {
      name: "enum values outside the old type are not old data",
      previous: [object({ v: { type: "string", enum: ["a", 1] } })],
      candidate: object({ v: { enum: ["a"] } }),
      reasons: [],
    },
    {
      name: "required removed",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.required = ["location"])),
      reasons: [],
    },
    {
      name: "existing optional property made required",
      previous: [object({ a: { type: "string" } })],
      candidate: object({ a: { type: "string" } }, { required: ["a"] }),
      reasons: ["/required: a became required"],
    },
    {
      name: "minimum tightened",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => (s.properties.passengerCount.minimum = 1)),
      reasons: ["/properties/passengerCount/minimum: lower bound tightened from >= 0 to >= 1"],
    },
    {
      name: "minimum made exclusive",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => {
        delete s.properties.tripDistance.minimum;
        s.properties.tripDistance.exclusiveMinimum = 0;
      }),
      reasons: ["/properties/tripDistance/exclusiveMinimum: lower bound tightened from >= 0 to > 0"],
    },
    {
      name: "maximum added",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => (s.properties.fareAmount.maximum = 10000)),
      reasons: ["/properties/fareAmount/maximum: upper bound tightened from none to <= 10000"],
    },
    {
      name: "minimum and maximum relaxed",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => {
        s.properties.passengerCount.maximum = 12;
        delete s.properties.passengerCount.minimum;
      }),
      reasons: [],
    },
    {
      name: "maxLength tightened and minLength raised",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => {
        s.properties.vendor.maxLength = 3;
        s.properties.vendor.minLength = 3;
      }),
      reasons: [
        "/properties/vendor/minLength: minimum length tightened from >= 1 to >= 3",
        "/properties/vendor/maxLength: maximum length tightened from <= 32 to <= 3",
      ],
    },
    {
      name: "additionalProperties true became false",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.additionalProperties = false)),
      reasons: ["/additionalProperties: additionalProperties became false: old data with other properties is refused"],
    },
    {
      name: "additionalProperties false became true",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.location.additionalProperties = true)),
      reasons: [],
    },
    {
      name: "optional property added to an open object",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.windSpeed = { type: "integer" })),
      reasons: [
        "/properties/windSpeed: windSpeed was added to an open object (additionalProperties is not false): old data may already carry windSpeed with any value",
      ],
    },
    {
      name: "property that accepts anything added to an open object",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.windSpeed = { description: "any value" })),
      reasons: [],
    },
    {
      name: "property removed from a closed object",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => {
        delete s.properties.location.properties.state;
        s.properties.location.required = ["city"];
      }),
      reasons: [
        "/properties/location/properties/state: state was removed from a closed object (additionalProperties: false): old data that has it is refused",
      ],
    },
    {
      name: "property removed from an open object",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => {
        delete s.properties.timestamp;
        s.required = ["location", "temperature"];
      }),
      reasons: [],
    },
    {
      name: "property added that additionalProperties covers",
      previous: [object({}, { additionalProperties: { type: "integer" } })],
      candidate: object({ x: { type: "number" } }, { additionalProperties: { type: "integer" } }),
      reasons: [],
    },
    {
      name: "property added that additionalProperties does not cover",
      previous: [object({}, { additionalProperties: { type: "integer" } })],
      candidate: object({ x: { type: "string" } }, { additionalProperties: { type: "integer" } }),
      reasons: ['/properties/x/type: type narrowed from "integer" to "string"'],
    },
    {
      name: "pattern changed",
      previous: [object({ code: { type: "string", pattern: "^[A-Z]+$" } })],
      candidate: object({ code: { type: "string", pattern: "^[A-Z]{3}$" } }),
      reasons: ['/properties/code/pattern: pattern changed from "^[A-Z]+$" to "^[A-Z]{3}$"'],
    },
    {
      name: "pattern added",
      previous: [object({ code: { type: "string" } })],
      candidate: object({ code: { type: "string", pattern: "^[A-Z]+$" } }),
      reasons: ['/properties/code/pattern: pattern "^[A-Z]+$" was added'],
    },
    {
      name: "pattern removed",
      previous: [object({ code: { type: "string", pattern: "^[A-Z]+$" } })],
      candidate: object({ code: { type: "string" } }),
      reasons: [],
    },
    {
      name: "format changed",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => (s.properties.pickupTime.format = "date")),
      reasons: ['/properties/pickupTime/format: format changed from "date-time" to "date"'],
    },
    {
      name: "array items widened",
      previous: [object({ xs: { type: "array", items: { type: "integer" } } })],
      candidate: object({ xs: { type: "array", items: { type: "number" } } }),
      reasons: [],
    },
    {
      name: "array items narrowed and fewer allowed",
      previous: [object({ xs: { type: "array", items: { type: "number" } } })],
      candidate: object({ xs: { type: "array", items: { type: "integer" }, maxItems: 10 } }),
      reasons: [
        "/properties/xs/maxItems: maximum item count tightened from none to <= 10",
        '/properties/xs/items/type: type narrowed from "number" to "integer"',
      ],
    },
    {
      name: "nested change three levels down",
      previous: [object({ a: object({ b: object({ c: { type: "number" } }) }) })],
      candidate: object({ a: object({ b: object({ c: { type: "integer" } }) }) }),
      reasons: ['/properties/a/properties/b/properties/c/type: type narrowed from "number" to "integer"'],
    },
    {
      name: "a property's schema true became a type",
      previous: [object({ a: true })],
      candidate: object({ a: { type: "string" } }),
      reasons: ['/properties/a/type: type narrowed from any to "string"'],
    },
    {
      name: "oneOf changed",
      previous: [object({ v: { oneOf: [{ type: "string" }, { type: "integer" }] } })],
      candidate: object({ v: { oneOf: [{ type: "string" }, { type: "number" }] } }),
      reasons: ["/properties/v/oneOf: cannot prove compatibility of oneOf"],
    },
    {
      name: "anyOf unchanged next to a compatible change",
      previous: [
        object({ v: { anyOf: [{ type: "string" }, { type: "integer" }], description: "old" } }, { required: ["v"] }),
      ],
      candidate: object({ v: { anyOf: [{ type: "string" }, { type: "integer" }], description: "new" } }),
      reasons: [],
    },
    {
      name: "allOf added",
      previous: [object({ v: { type: "string" } })],
      candidate: object({ v: { type: "string", allOf: [{ minLength: 1 }] } }),
      reasons: ["/properties/v/allOf: cannot prove compatibility of allOf"],
    },
    {
      name: "$ref target changed",
      previous: [
        object({ v: { $ref: "#/definitions/a" } }, { definitions: { a: { type: "string" }, b: { type: "string" } } }),
      ],
      candidate: object(
        { v: { $ref: "#/definitions/b" } },
        { definitions: { a: { type: "string" }, b: { type: "string" } } },
      ),
      reasons: ["/properties/v/$ref: cannot prove compatibility of $ref"],
    },
    {
      name: "definitions changed under an unchanged $ref",
      previous: [object({ v: { $ref: "#/definitions/a" } }, { definitions: { a: { type: "number" } } })],
      candidate: object({ v: { $ref: "#/definitions/a" } }, { definitions: { a: { type: "integer" } } }),
      reasons: ["/definitions: cannot prove compatibility of definitions"],
    },
  ]);

  table("FORWARD", [
    {
      name: "reference: optional country added to the closed location",
      previous: [WEATHER],
      candidate: withCountry,
      reasons: [
        "/properties/location/properties/country: country was added, but the old schema's object is closed (additionalProperties: false) and refuses it",
      ],
    },
    {
      name: "country made required once known to old readers",
      previous: [withCountry],
      candidate: withCountryRequired,
      reasons: [],
    },
    {
      name: "enum grew",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => s.properties.paymentType.enum.push("mobile")),
      reasons: ['/properties/paymentType/enum: value "mobile" was added, and the old schema refuses it'],
    },
    {
      name: "enum shrank",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => s.properties.paymentType.enum.pop()),
      reasons: [],
    },
    {
      name: "enum removed",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => delete s.properties.paymentType.enum),
      reasons: [
        '/properties/paymentType/enum: enum ["credit","cash","no_charge","dispute","unknown","voided"] was removed: new data may hold other values',
      ],
    },
    {
      name: "type widened integer to number",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.temperature.type = "number")),
      reasons: ['/properties/temperature/type: type widened from "integer" to "number"'],
    },
    {
      name: "type narrowed number to integer",
      previous: [changed(WEATHER, (s) => (s.properties.temperature.type = "number"))],
      candidate: WEATHER,
      reasons: [],
    },
    {
      name: "required removed",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.location.required = ["city"])),
      reasons: ["/properties/location/required: state is no longer required"],
    },
    {
      name: "minimum removed",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => delete s.properties.tripDistance.minimum),
      reasons: ["/properties/tripDistance/minimum: lower bound relaxed from >= 0 to none"],
    },
    {
      name: "minimum tightened",
      previous: [TAXI],
      candidate: changed(TAXI, (s) => (s.properties.passengerCount.minimum = 1)),
      reasons: [],
    },
    {
      name: "optional property added to an open object",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.windSpeed = { type: "integer" })),
      reasons: [],
    },
    {
      name: "property removed from an open object",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => {
        delete s.properties.timestamp;
        s.required = ["location", "temperature"];
      }),
      reasons: [
        "/required: timestamp is no longer required",
        "/properties/timestamp: timestamp was removed and the object is open (additionalProperties is not false): new data may carry timestamp with a value the old schema refuses",
      ],
    },
    {
      name: "additionalProperties false became true",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.properties.location.additionalProperties = true)),
      reasons: [
        "/properties/location/additionalProperties: additionalProperties false was removed: new data may carry properties the old schema refuses",
      ],
    },
    {
      name: "pattern removed",
      previous: [object({ code: { type: "string", pattern: "^[A-Z]+$" } })],
      candidate: object({ code: { type: "string" } }),
      reasons: ['/properties/code/pattern: pattern "^[A-Z]+$" was removed'],
    },
  ]);

  table("FULL", [
    {
      name: "only a description changed",
      previous: [WEATHER],
      candidate: changed(WEATHER, (s) => (s.description = "x")),
      reasons: [],
    },
    {
      name: "reference: optional country added to the closed location",
      previous: [WEATHER],
      candidate: withCountry,
      reasons: [
        "/properties/location/properties/country: country was added, but the old schema's object is closed (additionalProperties: false) and refuses it",
      ],
    },
    {
      name: "property added that the partially open model covers exactly",
      previous: [object({}, { additionalProperties: { type: "string" } })],
      candidate: object({ x: { type: "string" } }, { additionalProperties: { type: "string" } }),
      reasons: [],
    },
    {
      name: "type changed both ways at once",
      previous: [object({ a: { type: "integer" }, b: { type: "number" } })],
      candidate: object({ a: { type: "number" }, b: { type: "integer" } }),
      reasons: [
        '/properties/b/type: type narrowed from "number" to "integer"',
        '/properties/a/type: type widened from "integer" to "number"',
      ],
    },
  ]);

  // v1 allowed x >= 0; v2 tightened it to x >= 5 (registered under NONE); v3 only renames the title.
  const v1 = object({ x: { type: "number", minimum: 0 } });
  const v2 = object({ x: { type: "number", minimum: 5 } });
  const v3 = { ...v2, title: "v3" };
  table("BACKWARD", [{ name: "latest only: v3 against v2", previous: [v1, v2], candidate: v3, reasons: [] }]);
  table("BACKWARD_ALL", [
    {
      name: "every version: v3 against v1 and v2",
      previous: [v1, v2],
      candidate: v3,
      reasons: ["version 1: /properties/x/minimum: lower bound tightened from >= 0 to >= 5"],
    },
    { name: "every version, all fine", previous: [v2, v2], candidate: v1, reasons: [] },
  ]);
  table("FORWARD", [
    {
      name: "latest only: v1 against v2",
      previous: [v2, v2],
      candidate: v1,
      reasons: ["/properties/x/minimum: lower bound relaxed from >= 5 to >= 0"],
    },
  ]);
  table("FORWARD_ALL", [
    {
      name: "every version: v1 again after v1, v2",
      previous: [v1, v2],
      candidate: v1,
      reasons: ["version 2: /properties/x/minimum: lower bound relaxed from >= 5 to >= 0"],
    },
  ]);
  table("FULL_ALL", [
    {
      name: "every version, both ways",
      previous: [v1, v2],
      candidate: v3,
      reasons: ["version 1: /properties/x/minimum: lower bound tightened from >= 0 to >= 5"],
    },
    {
      name: "a version between",
      previous: [v1, v2],
      candidate: object({ x: { type: "number", minimum: 3 } }),
      reasons: [
        "version 1: /properties/x/minimum: lower bound tightened from >= 0 to >= 3",
        "version 2: /properties/x/minimum: lower bound relaxed from >= 5 to >= 3",
      ],
    },
  ]);

  table("DISABLED", [
    { name: "the first version", previous: [], candidate: WEATHER, reasons: [] },
    {
      name: "any later version",
      previous: [WEATHER],
      candidate: WEATHER,
      reasons: ["compatibility is DISABLED: no new version may be registered"],
    },
  ]);
  table("NONE", [{ name: "a breaking change", previous: [WEATHER], candidate: withCountryRequired, reasons: [] }]);

  // Old data that the new schema refuses: the proof that each of these BACKWARD refusals is real.
  const REPORT = { location: { city: "Phoenix", state: "Arizona" }, temperature: 115, timestamp: 1627335205 };
  const witnesses: [string, Schema, Schema, unknown][] = [
    [
      "an optional property added to an open object",
      WEATHER,
      changed(WEATHER, (s) => (s.properties.windSpeed = { type: "integer" })),
      { ...REPORT, windSpeed: "strong" },
    ],
    ["a property made required", withCountry, withCountryRequired, REPORT],
    [
      "a type narrowed",
      changed(WEATHER, (s) => (s.properties.temperature.type = "number")),
      WEATHER,
      { ...REPORT, temperature: 98.6 },
    ],
    [
      "an object closed",
      WEATHER,
      changed(WEATHER, (s) => (s.additionalProperties = false)),
      { ...REPORT, windSpeed: 50 },
    ],
  ];
  for (const [name, before, after, oldData] of witnesses) {
    it(`refuses ${name}, and old data shows why`, () => {
      expect(compileSchema(before, "old")(oldData)).to.deep.equal([]);
      expect(compileSchema(after, "new")(oldData)).not.to.deep.equal([]);
      expect(checkCompatibility([before as JsonSchema], after as JsonSchema, "BACKWARD").compatible).to.equal(false);
    });
  }

  it("takes the first version in every mode", () => {
    for (const mode of COMPATIBILITY_MODES) {
      expect(checkCompatibility([], WEATHER as JsonSchema, mode), mode).to.deep.equal({
        compatible: true,
        reasons: [],
      });
    }
  });

  it("parses the mode names and refuses others, listing the allowed ones", () => {
    expect(parseCompatibility("FULL_ALL")).to.equal("FULL_ALL");
    expect(() => parseCompatibility("backward")).to.throw(
      RangeError,
      'unknown compatibility mode "backward" (allowed: NONE, DISABLED, BACKWARD, BACKWARD_ALL, FORWARD, FORWARD_ALL, FULL, FULL_ALL)',
    );
  });
});
