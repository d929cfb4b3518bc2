/** The schema check's pure core: version histories in memory, the report and its exit code. */
import { expect } from "chai";
import {
  checkSchemaFile,
  SchemaCheck,
  schemaCheckReport,
  SchemaVersionText,
} from "../../../runtime/schemas/schema-check";
import weatherReport from "../../../schemas/weather-report.json";

const V1 = JSON.stringify(weatherReport, null, 2);
const withCountry = JSON.parse(V1);
withCountry.properties.location.properties.country = { type: "string" };
const V2 = JSON.stringify(withCountry);
withCountry.properties.location.required.push("country");
const V3_BREAKING = JSON.stringify(withCountry);

function history(...texts: string[]): SchemaVersionText[] {
  return texts.map((text, i) => ({ source: i === texts.length - 1 ? "working tree" : `commit c${i + 1}`, text }));
}

const BREAKING_REASON = "/properties/location/required: country became required";

describe("schema check", () => {
  const cases: [string, SchemaVersionText[], Omit<SchemaCheck, "name">][] = [
    ["a new schema", history(V1), { compatible: true, version: 1, reasons: [], skipped: [] }],
    [
      "a compatible change in the working tree",
      history(V1, V2),
      { compatible: true, version: 2, reasons: [], skipped: [] },
    ],
    [
      "a breaking change in the working tree",
      history(V1, V2, V3_BREAKING),
      { compatible: false, version: 3, reasons: [BREAKING_REASON], skipped: [] },
    ],
    [
      "a breaking change already committed (working tree = last commit)",
      history(V1, V2, V3_BREAKING, V3_BREAKING),
      { compatible: false, version: 3, reasons: [BREAKING_REASON], skipped: [] },
    ],
    [
      "reformatting only: the same version",
      history(V1, JSON.stringify(weatherReport), V1),
      { compatible: true, version: 1, reasons: [], skipped: [] },
    ],
    [
      "an earlier version that is not JSON",
      history(V1, "{ oops", V2),
      { compatible: true, version: 2, reasons: [], skipped: ["commit c2"] },
    ],
    [
      "a working tree that is not JSON",
      history(V1, "{ oops"),
      { compatible: false, version: 2, reasons: ["weather-report (working tree) is not JSON"], skipped: [] },
    ],
  ];
  for (const [name, versions, expected] of cases) {
    it(`BACKWARD: ${name}`, () => {
      expect(checkSchemaFile({ name: "weather-report", versions }, "BACKWARD")).to.deep.equal({
        name: "weather-report",
        ...expected,
      });
    });
  }

  it("refuses a working tree that is not a valid JSON Schema, with ajv's reason", () => {
    const check = checkSchemaFile({ name: "w", versions: history(V1, '{"type": "strin"}') }, "NONE");
    expect(check.compatible).to.equal(false);
    expect(check.reasons).to.have.length(1);
    expect(check.reasons[0]).to.match(
      /^w \(working tree\) is not a valid JSON Schema \(draft-07\): schema is invalid: data\/type/,
    );
  });

  it("uses the mode: FORWARD refuses what BACKWARD takes, the _ALL modes look at every version", () => {
    expect(checkSchemaFile({ name: "w", versions: history(V1, V2) }, "FORWARD").compatible).to.equal(false);
    const relaxed = JSON.parse(V3_BREAKING);
    relaxed.properties.location.required = ["city", "state"];
    const versions = history(V2, V3_BREAKING, JSON.stringify(relaxed));
    expect(checkSchemaFile({ name: "w", versions }, "FORWARD").compatible).to.equal(false);
    expect(checkSchemaFile({ name: "w", versions }, "BACKWARD").reasons).to.deep.equal([]);
    expect(checkSchemaFile({ name: "w", versions }, "FULL_ALL").reasons).to.deep.equal([
      "version 2: /properties/location/required: country is no longer required",
    ]);
  });

  it("reports per schema and exits 1 when one breaks", () => {
    const checks = [
      checkSchemaFile({ name: "taxi-trip", versions: history(V1) }, "BACKWARD"),
      checkSchemaFile({ name: "weather-report", versions: history(V1, V2, V3_BREAKING) }, "BACKWARD"),
      checkSchemaFile({ name: "wind", versions: history(V1, "{ oops", V2) }, "BACKWARD"),
    ];
    expect(schemaCheckReport(checks, "BACKWARD")).to.deep.equal({
      exitCode: 1,
      text: [
        "Schema compatibility (BACKWARD):",
        "  taxi-trip: compatible (first version)",
        "  weather-report: INCOMPATIBLE (version 3)",
        `    ${BREAKING_REASON}`,
        "  wind: compatible (version 2 against 1 earlier)",
        "    (left out, not JSON: commit c2)",
        "1 schema(s) would break their consumers or producers.",
        "",
      ].join("\n"),
    });
  });

  it("exits 0 when all are compatible", () => {
    const checks = [checkSchemaFile({ name: "taxi-trip", versions: history(V1, V2) }, "BACKWARD")];
    expect(schemaCheckReport(checks, "BACKWARD")).to.deep.equal({
      exitCode: 0,
      text: "Schema compatibility (BACKWARD):\n  taxi-trip: compatible (version 2 against 1 earlier)\nAll schemas are compatible.\n",
    });
  });
});
