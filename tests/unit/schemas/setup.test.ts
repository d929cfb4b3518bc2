import { expect } from "chai";
import { createHash } from "node:crypto";
import { createGlueClient } from "../../../runtime/common/aws/glue-client";
import { Compatibility } from "../../../runtime/schemas/compatibility-mode";
import { glueRegistryPort } from "../../../runtime/schemas/glue-registry-port";
import { checkReasons, checkSchemaFile } from "../../../runtime/schemas/schema-check";
import { PROVENANCE_KEYS, SchemaSetupInput } from "../../../runtime/schemas/setup-input";
import { SchemaSetupError, SchemaSetupOptions, setUpSchemas } from "../../../runtime/schemas/setup";
import { freshModule, STAND_IN_CREDENTIALS, withEnv } from "../../harness/aws-json-stand-in";
import { GlueStandIn, GlueStandInOptions, STAND_IN_REGION, startGlueStandIn } from "../../harness/glue-stand-in";

const REGISTRY = "kinesis-pipeline-test";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

const draft07 = "http://json-schema.org/draft-07/schema#";
const V1 = JSON.stringify(
  {
    $schema: draft07,
    type: "object",
    properties: { id: { type: "string" }, fare: { type: "integer" } },
    required: ["id"],
  },
  null,
  2,
);
/** BACKWARD compatible with V1: every fare V1 accepts (an integer) is a number. */
const V2 = JSON.stringify({
  $schema: draft07,
  type: "object",
  properties: { id: { type: "string" }, fare: { type: "number" } },
  required: ["id"],
});
/** Not BACKWARD compatible with V1: a V1 trip without a fare does not fit. */
const BREAKING = JSON.stringify({
  $schema: draft07,
  type: "object",
  properties: { id: { type: "string" }, fare: { type: "integer" } },
  required: ["id", "fare"],
});
const INVALID = JSON.stringify({ $schema: draft07, type: "object", properties: { id: { type: "text" } } });

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function input(definition: string, compatibility: Compatibility = "BACKWARD"): SchemaSetupInput {
  return {
    registryName: REGISTRY,
    compatibility,
    schemas: [
      {
        name: "trip",
        definition,
        provenance: { file: "schemas/trip.json", fileSha256: sha256(definition), commit: COMMIT },
      },
    ],
  };
}

const provenanceOf = (definition: string) =>
  new Map([
    [PROVENANCE_KEYS.file, ["schemas/trip.json"]],
    [PROVENANCE_KEYS.fileSha256, [sha256(definition)]],
    [PROVENANCE_KEYS.commit, [COMMIT]],
  ]);

describe("schema registry setup (the deploy-time function, through the SDK against a Glue stand-in)", () => {
  let glue: GlueStandIn;
  const noWait: SchemaSetupOptions = { sleep: async () => undefined };

  async function start(options: Partial<GlueStandInOptions> = {}, mode: Compatibility = "BACKWARD") {
    glue = await startGlueStandIn({ registryName: REGISTRY, ...options });
    // What the stack's Schema resource does before the function runs: the first file as version 1.
    glue.createSchema("trip", V1, mode);
  }

  function setUp(definition: string, mode: Compatibility = "BACKWARD", options: SchemaSetupOptions = noWait) {
    const client = createGlueClient({ region: STAND_IN_REGION, endpoint: glue.endpoint, maxAttempts: 1 });
    return setUpSchemas(glueRegistryPort(client, REGISTRY), input(definition, mode), options);
  }

  async function refusal(definition: string, mode: Compatibility = "BACKWARD"): Promise<SchemaSetupError> {
    const error = await setUp(definition, mode).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(SchemaSetupError);
    return error as SchemaSetupError;
  }

  const operations = () => glue.calls.map((c) => c.operation);

  afterEach(async () => {
    await glue?.close();
  });

  it("first deploy: the file is version 1 already; its provenance is recorded, nothing registered", async () => {
    await start();
    const report = await setUp(V1);
    expect(report).to.deep.equal({
      registryName: REGISTRY,
      schemas: [{ name: "trip", change: "unchanged", version: 1, provenance: "recorded" }],
    });
    expect(glue.schema("trip").versions.map((v) => [v.versionNumber, v.status])).to.deep.equal([[1, "AVAILABLE"]]);
    expect(glue.schema("trip").versions[0].metadata).to.deep.equal(provenanceOf(V1));
    expect(operations()).not.to.include("RegisterSchemaVersion");
  });

  it("unchanged file on a later deploy: no new version, the provenance kept as recorded", async () => {
    await start();
    await setUp(V1);
    glue.calls.length = 0;
    // The same JSON respaced and reordered is the same definition.
    const respaced = JSON.stringify(JSON.parse(V1));
    const report = await setUp(respaced);
    expect(report.schemas).to.deep.equal([{ name: "trip", change: "unchanged", version: 1, provenance: "kept" }]);
    expect(operations()).to.deep.equal(["GetSchemaVersion", "QuerySchemaVersionMetadata"]);
    expect(glue.schema("trip").versions[0].metadata).to.deep.equal(provenanceOf(V1));
  });

  it("compatible change: Glue checks it, registers version 2 (PENDING, then AVAILABLE), its provenance recorded", async () => {
    await start({ pendingReads: 1 });
    const report = await setUp(V2);
    expect(report.schemas).to.deep.equal([{ name: "trip", change: "registered", version: 2, provenance: "recorded" }]);
    const [, v2] = glue.schema("trip").versions;
    expect([v2.status, v2.definition]).to.deep.equal(["AVAILABLE", V2]);
    expect(v2.metadata).to.deep.equal(provenanceOf(V2));
    expect(operations()).to.deep.equal([
      "GetSchemaVersion", // the latest: version 1, not the file
      "CheckSchemaVersionValidity",
      "RegisterSchemaVersion", // PENDING
      "GetSchemaVersion", // by number: PENDING
      "GetSchemaVersion", // by number: AVAILABLE
      "QuerySchemaVersionMetadata",
      "PutSchemaVersionMetadata",
      "PutSchemaVersionMetadata",
      "PutSchemaVersionMetadata",
      "GetSchemaVersion", // the latest is now the file
    ]);
    // By schema name and number only: a call by SchemaVersionId needs "Resource": "*".
    for (const call of glue.calls) expect(call.input).not.to.have.property("SchemaVersionId");
  });

  it("incompatible change: fails with the reason in words and Glue's difference, and the refused version is deleted", async () => {
    await start();
    const error = await refusal(BREAKING);
    expect(error.problems).to.deep.equal([
      'schema "trip": Glue refused schemas/trip.json as version 2: it is not BACKWARD compatible with version 1. ' +
        "Why, as `npm run schema:check` says: /required: fare became required. " +
        `Difference from version 1 (Glue's JSON Patch): replace /required ["id","fare"]. ` +
        "Version 2 was deleted again, so the registry is as it was: fix the file (or the schemaCompatibility mode) and deploy again.",
    ]);
    expect(glue.schema("trip").versions.map((v) => v.versionNumber)).to.deep.equal([1]);
    expect(operations()).to.include.members(["GetSchemaVersionsDiff", "DeleteSchemaVersions"]);
    expect(operations()).not.to.include("PutSchemaVersionMetadata");
  });

  it("incompatible under BACKWARD_ALL: the reasons name each version it breaks by Glue's numbers, gaps and all", async () => {
    await start({}, "BACKWARD_ALL");
    // Refused and deleted, version 2 leaves a gap: Glue does not give a number twice.
    await refusal(BREAKING, "BACKWARD_ALL");
    expect((await setUp(V2, "BACKWARD_ALL")).schemas[0].version).to.equal(3);
    const error = await refusal(BREAKING, "BACKWARD_ALL");
    expect(error.message).to.contain("as version 4: it is not BACKWARD_ALL compatible with versions 1, 3.");
    expect(error.message).to.contain(
      "version 1: /required: fare became required; version 3: /required: fare became required; " +
        'version 3: /properties/fare/type: type narrowed from "number" to "integer".',
    );
    expect(error.message).to.contain(
      `Difference from version 3 (Glue's JSON Patch): replace /properties/fare/type "integer"; replace /required ["id","fare"].`,
    );
    expect(glue.schema("trip").versions.map((v) => v.versionNumber)).to.deep.equal([1, 3]);
  });

  it("Glue's verdict stands where the project's check finds no reason", async () => {
    await start({ verdict: (_schema, definition) => (definition === V2 ? "FAILURE" : undefined) });
    const error = await refusal(V2);
    expect(error.message).to.contain(
      "Glue refused schemas/trip.json as version 2: it is not BACKWARD compatible with version 1.",
    );
    expect(error.message).to.contain("The project's check finds no reason");
    expect(glue.schema("trip").versions).to.have.lengthOf(1);
  });

  it("invalid definition: fails with the registry's words and registers nothing", async () => {
    await start();
    const error = await refusal(INVALID);
    expect(error.problems).to.have.lengthOf(1);
    expect(error.problems[0]).to.match(
      /^schema "trip": Glue finds schemas\/trip\.json invalid as a JSON Schema: .*type.*\. Nothing was registered: fix the file and deploy again\.$/,
    );
    expect(operations()).to.deep.equal(["GetSchemaVersion", "CheckSchemaVersionValidity"]);
  });

  it("latest not AVAILABLE: a refused version left by an earlier deploy fails the check, with the command that removes it", async () => {
    await start();
    glue.addVersion("trip", BREAKING, "FAILURE");
    const error = await refusal(V1);
    expect(error.problems).to.deep.equal([
      'schema "trip": the latest version 2 is FAILURE, not AVAILABLE: producers and consumers that read the latest version would get it. ' +
        "Glue refused it at an earlier registration; delete it with " +
        `\`aws glue delete-schema-versions --schema-id RegistryName=${REGISTRY},SchemaName=trip --versions 2\` and deploy again.`,
    ]);
    // Not ours to delete: it stays until someone runs the command.
    expect(glue.schema("trip").versions.map((v) => [v.versionNumber, v.status])).to.deep.equal([
      [1, "AVAILABLE"],
      [2, "FAILURE"],
    ]);
  });

  it("a file reverted to an earlier version cannot become the latest again: fails saying so", async () => {
    await start();
    await setUp(V2);
    const error = await refusal(V1);
    expect(error.message).to.equal(
      'schema "trip": the latest version 2 is not schemas/trip.json. schemas/trip.json is version 1, and Glue registers a definition once, ' +
        "so it cannot become the latest again: change the file (a new version), or delete the versions after it with " +
        `\`aws glue delete-schema-versions --schema-id RegistryName=${REGISTRY},SchemaName=trip --versions 2\`.`,
    );
  });

  it("a version Glue never decides on fails after the wait, bounded in time", async () => {
    await start({ verdict: () => "PENDING" });
    let clock = 0;
    const error = await setUp(V2, "BACKWARD", {
      waitMs: 5_000,
      pollMs: 1_000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.equal(
      'schema "trip": version 2 is still PENDING after 5 s (Glue has not finished its compatibility check); deploy again to check it once more.',
    );
    expect(operations().filter((o) => o === "GetSchemaVersion")).to.have.lengthOf(1 + 5);
  });

  it("a grant that has not reached Glue yet: the first call is retried, within a bounded wait", async () => {
    const clocked = () => {
      let clock = 0;
      return {
        now: () => clock,
        sleep: async (ms: number) => {
          clock += ms;
        },
      };
    };
    await start({ deniedCalls: 3 });
    const report = await setUp(V1, "BACKWARD", { ...clocked(), grantWaitMs: 10_000 });
    expect(report.schemas).to.deep.equal([{ name: "trip", change: "unchanged", version: 1, provenance: "recorded" }]);
    expect(operations().slice(0, 4)).to.deep.equal(Array(4).fill("GetSchemaVersion"));
    await glue.close();

    await start({ deniedCalls: 100 });
    const error = await setUp(V1, "BACKWARD", { ...clocked(), grantWaitMs: 10_000 }).then(
      () => undefined,
      (e: unknown) => e as SchemaSetupError,
    );
    expect(error?.problems).to.deep.equal([
      'schema "trip": AccessDeniedException: User is not authorized to perform: glue:GetSchemaVersion',
    ]);
    // Every 2 s for 10 s, then the denial stands.
    expect(glue.calls).to.have.lengthOf(6);
  });

  it("every schema is set up and every problem reported together", async () => {
    await start();
    glue.createSchema("weather", V1, "BACKWARD");
    const client = createGlueClient({ region: STAND_IN_REGION, endpoint: glue.endpoint, maxAttempts: 1 });
    const both: SchemaSetupInput = {
      ...input(BREAKING),
      schemas: [...input(BREAKING).schemas, { ...input(V2).schemas[0], name: "weather" }],
    };
    const error = await setUpSchemas(glueRegistryPort(client, REGISTRY), both, noWait).then(
      () => undefined,
      (e: unknown) => e as SchemaSetupError,
    );
    expect(error?.problems).to.have.lengthOf(1);
    expect(error?.problems[0]).to.match(/^schema "trip": Glue refused/);
    expect(glue.schema("weather").versions.map((v) => [v.versionNumber, v.status])).to.deep.equal([
      [1, "AVAILABLE"],
      [2, "AVAILABLE"],
    ]);
  });

  it("a schema the registry does not have fails naming it and Glue's error", async () => {
    glue = await startGlueStandIn({ registryName: REGISTRY });
    const error = await refusal(V1);
    expect(error.problems).to.deep.equal(['schema "trip": EntityNotFoundException: Schema not found: trip']);
  });

  describe("the same verdict and the same words as `npm run schema:check`", () => {
    const cases: { mode: Compatibility; earlier: string[]; file: string }[] = [
      { mode: "BACKWARD", earlier: [V1], file: V2 },
      { mode: "BACKWARD", earlier: [V1], file: BREAKING },
      { mode: "FORWARD", earlier: [V1], file: V2 },
      { mode: "FULL_ALL", earlier: [V1, V2], file: BREAKING },
      { mode: "BACKWARD_ALL", earlier: [V1, V2], file: V2 },
      { mode: "NONE", earlier: [V1], file: BREAKING },
      { mode: "DISABLED", earlier: [V1], file: V2 },
    ];
    for (const [i, { mode, earlier, file }] of cases.entries()) {
      it(`case ${i + 1}: ${mode}`, async () => {
        const offline = checkSchemaFile(
          { name: "trip", versions: [...earlier, file].map((text, n) => ({ source: `commit ${n}`, text })) },
          mode,
        );
        // The registry holds the earlier versions as deploys left them.
        await start({}, mode);
        for (const text of earlier.slice(1)) glue.addVersion("trip", text, "AVAILABLE");
        expect(earlier[0]).to.equal(V1);
        const error = await setUp(file, mode).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error === undefined, error?.message).to.equal(offline.compatible);
        for (const reason of checkReasons(offline)) expect(error?.message).to.contain(reason);
      });
    }
  });
});

describe("schema registry setup: the function's handler, with the Glue client it builds, against the stand-in", () => {
  let glue: GlueStandIn;
  afterEach(async () => glue?.close());

  /** The handler as Lambda runs it: the region Lambda sets, Glue reached through AWS_ENDPOINT_URL_GLUE. */
  async function handle(event: SchemaSetupInput) {
    const entry = freshModule<typeof import("../../../runtime/schemas/setup-entry")>("runtime/schemas/setup-entry");
    return withEnv(
      {
        ...STAND_IN_CREDENTIALS,
        AWS_SESSION_TOKEN: undefined,
        AWS_REGION: STAND_IN_REGION,
        AWS_ENDPOINT_URL_GLUE: glue.endpoint,
        LOG_LEVEL: "silent",
      },
      () => entry.handle(event),
    );
  }

  beforeEach(async () => {
    // Glue decides at once: the handler's real waits (a second between reads) would only slow the test.
    glue = await startGlueStandIn({ registryName: REGISTRY, pendingReads: 0 });
    glue.createSchema("trip", V1, "BACKWARD");
  });

  it("a compatible file: checked, registered, its provenance recorded", async () => {
    const report = await handle(input(V2));
    expect(report.schemas).to.deep.equal([{ name: "trip", change: "registered", version: 2, provenance: "recorded" }]);
    expect([...new Set(glue.calls.map((c) => c.operation))]).to.deep.equal([
      "GetSchemaVersion",
      "CheckSchemaVersionValidity",
      "RegisterSchemaVersion",
      "QuerySchemaVersionMetadata",
      "PutSchemaVersionMetadata",
    ]);
  });

  it("a breaking file: refused with the difference, and the refused version deleted again", async () => {
    const error = await handle(input(BREAKING)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).to.equal("SchemaSetupError");
    expect(error?.message).to.match(/Glue refused schemas\/trip\.json as version 2: it is not BACKWARD compatible/);
    expect(error?.message).to.match(/Version 2 was deleted again/);
    expect(glue.calls.map((c) => c.operation)).to.include.members(["GetSchemaVersionsDiff", "DeleteSchemaVersions"]);
    expect(glue.schema("trip").versions.map((v) => v.versionNumber)).to.deep.equal([1]);
  });
});
