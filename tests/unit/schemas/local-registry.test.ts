/** The local schema registry: Glue's create / register / idempotent / refuse semantics, lookups, persistence. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Compatibility } from "../../../runtime/schemas/compatibility-mode";
import { SchemaDefinitionError } from "../../../runtime/schemas/json-validation";
import {
  IncompatibleSchemaError,
  LocalSchemaRegistry,
  SchemaRegistryError,
} from "../../../runtime/schemas/local-registry";
import weatherReport from "../../../schemas/weather-report.json";

const V1 = JSON.stringify(weatherReport, null, 2);
const v2 = JSON.parse(V1);
v2.properties.location.properties.country = { type: "string" };
const V2 = JSON.stringify(v2);
v2.properties.location.required.push("country");
const V3_BREAKING = JSON.stringify(v2);
// The same value as V1, with other key order and spacing.
const V1_REWRITTEN = JSON.stringify(Object.fromEntries(Object.entries(weatherReport).reverse()));

function ids(): () => string {
  let next = 0;
  return () => `00000000-0000-4000-8000-${String(++next).padStart(12, "0")}`;
}
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

type Step =
  | { register: [name: string, definition: string, compatibility?: Compatibility]; version: [number, number] }
  | {
      register: [name: string, definition: string, compatibility?: Compatibility];
      refused: RegExp;
      reasons?: string[];
    };

function run(steps: Step[]): void {
  const registry = new LocalSchemaRegistry({ newVersionId: ids() });
  steps.forEach((step, i) => {
    const [name, definition, compatibility] = step.register;
    if ("version" in step) {
      const [versionNumber, idNumber] = step.version;
      expect(registry.register(name, definition, compatibility), `step ${i + 1}`).to.include({
        schemaName: name,
        versionNumber,
        schemaVersionId: id(idNumber),
      });
    } else {
      let thrown: unknown;
      try {
        registry.register(name, definition, compatibility);
      } catch (error) {
        thrown = error;
      }
      expect(String(thrown), `step ${i + 1}`).to.match(step.refused);
      if (step.reasons !== undefined) expect((thrown as IncompatibleSchemaError).reasons).to.deep.equal(step.reasons);
    }
  });
}

describe("local schema registry", () => {
  const scenarios: [string, Step[]][] = [
    [
      "BACKWARD (the default): optional field yes, required field no",
      [
        { register: ["weather-report", V1], version: [1, 1] },
        { register: ["weather-report", V2], version: [2, 2] },
        {
          register: ["weather-report", V3_BREAKING],
          refused:
            /^IncompatibleSchemaError: schema "weather-report": version 3 is refused, it is not BACKWARD compatible: \/properties\/location\/required: country became required$/,
          reasons: ["/properties/location/required: country became required"],
        },
        { register: ["weather-report", V2], version: [2, 2] },
      ],
    ],
    [
      "an identical definition returns its version, whatever the spacing and key order",
      [
        { register: ["weather-report", V1], version: [1, 1] },
        { register: ["weather-report", V2], version: [2, 2] },
        { register: ["weather-report", V1_REWRITTEN], version: [1, 1] },
        { register: ["weather-report", V1], version: [1, 1] },
      ],
    ],
    [
      "FORWARD refuses what BACKWARD takes",
      [
        { register: ["weather-report", V1, "FORWARD"], version: [1, 1] },
        {
          register: ["weather-report", V2],
          refused: /version 2 is refused, it is not FORWARD compatible: .*country was added/,
        },
      ],
    ],
    [
      "NONE takes a breaking change",
      [
        { register: ["weather-report", V2, "NONE"], version: [1, 1] },
        { register: ["weather-report", V3_BREAKING], version: [2, 2] },
      ],
    ],
    [
      "DISABLED takes version 1 and nothing after",
      [
        { register: ["weather-report", V1, "DISABLED"], version: [1, 1] },
        { register: ["weather-report", V2], refused: /compatibility is DISABLED: no new version may be registered/ },
        { register: ["weather-report", V1], version: [1, 1] },
      ],
    ],
    [
      "schemas are apart",
      [
        { register: ["weather-report", V2], version: [1, 1] },
        { register: ["weather-copy", V3_BREAKING], version: [1, 2] },
        {
          register: ["weather-report", V1],
          refused: /location\/properties\/country: country was removed from a closed object/,
        },
      ],
    ],
    [
      "a schema's mode is set once",
      [
        { register: ["weather-report", V1, "FULL"], version: [1, 1] },
        { register: ["weather-report", V1, "FULL"], version: [1, 1] },
        {
          register: ["weather-report", V1, "BACKWARD"],
          refused: /SchemaRegistryError: schema "weather-report" exists with compatibility FULL, not BACKWARD/,
        },
      ],
    ],
    [
      "bad names and definitions are refused, naming them",
      [
        {
          register: ["weather report", V1],
          refused: /schema name "weather report" is not allowed \(allowed: 1 to 255 of a-z A-Z 0-9 - _ \$ # .\)/,
        },
        { register: ["", V1], refused: /schema name "" is not allowed/ },
        {
          register: ["w", "{ type: object"],
          refused: /SchemaDefinitionError: the definition of schema "w" is not JSON/,
        },
        {
          register: ["w", '{"type": "objekt"}'],
          refused: /the definition of schema "w" is not a valid JSON Schema \(draft-07\)/,
        },
        { register: ["w", V1], version: [1, 1] },
      ],
    ],
  ];
  for (const [name, steps] of scenarios) it(name, () => run(steps));

  it("looks versions up by id (any case) and the latest by name", () => {
    const registry = new LocalSchemaRegistry({ newVersionId: ids() });
    registry.register("weather-report", V1);
    registry.register("weather-report", V2);
    expect(registry.versionById(id(1).toUpperCase())).to.deep.equal({
      schemaName: "weather-report",
      versionNumber: 1,
      schemaVersionId: id(1),
      definition: V1,
    });
    expect(registry.latest("weather-report")).to.include({ versionNumber: 2, definition: V2 });
    // Glue gives back the definition as first registered.
    expect(registry.register("weather-report", V1_REWRITTEN).definition).to.equal(V1);
    expect(registry.compatibilityOf("weather-report")).to.equal("BACKWARD");
    expect(() => registry.versionById("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")).to.throw(
      SchemaRegistryError,
      'no schema version has id "f81d4fae-7dec-11d0-a765-00a0c91e6bf6" (this registry holds 2 versions of 1 schemas)',
    );
    expect(() => registry.latest("taxi-trip")).to.throw(
      SchemaRegistryError,
      'no schema named "taxi-trip" (registered: "weather-report")',
    );
  });

  it("gives random UUIDs by default", () => {
    const registry = new LocalSchemaRegistry();
    const first = registry.register("a", V1);
    const second = registry.register("b", V1);
    expect(first.schemaVersionId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.schemaVersionId).not.to.equal(first.schemaVersionId);
  });

  describe("with a file", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "schema-registry-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("keeps schemas, versions, ids and modes across restarts", () => {
      const file = path.join(dir, "registry.json");
      const first = new LocalSchemaRegistry({ file });
      const v1 = first.register("weather-report", V1, "FULL");
      const reopened = new LocalSchemaRegistry({ file });
      expect(reopened.versionById(v1.schemaVersionId)).to.deep.equal(v1);
      expect(reopened.compatibilityOf("weather-report")).to.equal("FULL");
      expect(reopened.register("weather-report", V1)).to.deep.equal(v1);
      expect(() => reopened.register("weather-report", V2)).to.throw(IncompatibleSchemaError, /not FULL compatible/);
      const other = reopened.register("taxi", V1);
      expect(new LocalSchemaRegistry({ file }).latest("taxi")).to.deep.equal(other);
    });

    it("starts empty when the file does not exist yet", () => {
      const registry = new LocalSchemaRegistry({ file: path.join(dir, "new.json") });
      expect(() => registry.latest("x")).to.throw(SchemaRegistryError, "registered: none");
    });

    it("refuses a file it did not write, naming it", () => {
      const file = path.join(dir, "other.json");
      for (const content of [
        "not json",
        '{"schemas": []}',
        '{"format": "kinesis-pipeline local schema registry v1", "schemas": [{"name": "a", "compatibility": "SOME", "versions": []}]}',
      ]) {
        writeFileSync(file, content);
        expect(() => new LocalSchemaRegistry({ file }), content).to.throw(
          SchemaRegistryError,
          `cannot load the local schema registry from ${file}: `,
        );
      }
    });
  });

  it("is a SchemaDefinitionError for an invalid definition", () => {
    expect(() => new LocalSchemaRegistry().register("w", "[")).to.throw(SchemaDefinitionError);
  });
});
