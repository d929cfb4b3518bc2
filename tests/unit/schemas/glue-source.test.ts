/**
 * The Glue schema source's registration (auto-registration at ingest), with the real Glue
 * client against the registry stand-in: a version Glue refuses, at once or after PENDING,
 * is an error in Glue's words that says what to run, never a version to write with.
 */
import { expect } from "chai";
import { createGlueClient } from "../../../runtime/common/aws/glue-client";
import {
  GlueSchemaSource,
  RefusedSchemaVersionError,
  UnavailableLatestVersionError,
} from "../../../runtime/schemas/glue-schema-source";
import { GlueStandIn, GlueStandInOptions, STAND_IN_REGION, startGlueStandIn } from "../../harness/glue-stand-in";

const REGISTRY = "pipeline-registry";
const V1 = JSON.stringify({ type: "object", properties: { id: { type: "string" } }, required: ["id"] });
/** Not BACKWARD compatible with V1: a V1 record without a fare does not fit. */
const BREAKING = JSON.stringify({
  type: "object",
  properties: { id: { type: "string" }, fare: { type: "number" } },
  required: ["id", "fare"],
});
const COMPATIBLE = JSON.stringify({ type: "object", properties: { id: { type: "string" } } });
const DELETE_V2 = `aws glue delete-schema-versions --schema-id RegistryName=${REGISTRY},SchemaName=trip --versions 2`;

describe("Glue schema source: registering a definition", () => {
  let glue: GlueStandIn;
  afterEach(async () => glue?.close());

  async function source(options: Partial<GlueStandInOptions>) {
    glue = await startGlueStandIn({ registryName: REGISTRY, ...options });
    glue.createSchema("trip", V1, "BACKWARD");
    const client = createGlueClient({ region: STAND_IN_REGION, endpoint: glue.endpoint, maxAttempts: 1 });
    return new GlueSchemaSource(client, REGISTRY, { pollMs: 0, sleep: async () => undefined });
  }

  async function refusal(registering: Promise<unknown>): Promise<RefusedSchemaVersionError> {
    const error = await registering.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, "the registration should be refused").to.be.instanceOf(RefusedSchemaVersionError);
    return error as RefusedSchemaVersionError;
  }

  it("FAILURE at once (RegisterSchemaVersion's own answer): refused, the latest version named, the command to delete it given", async () => {
    const glueSource = await source({ pendingReads: 0 });
    const error = await refusal(glueSource.register("trip", BREAKING));
    expect(error.message).to.equal(
      `schema "trip" in registry ${REGISTRY}: Glue refused the definition: RegisterSchemaVersion gave version 2 status FAILURE ` +
        "(it breaks the schema's compatibility mode). Version 2 is now the schema's latest version: readers of the latest " +
        "version get it until it is deleted. This service's role may not delete schema versions: delete it with " +
        `\`${DELETE_V2}\`, then make the definition compatible (npm run schema:check says why it is not) or change ` +
        "schemaCompatibility, and start again.",
    );
    // Glue keeps the refused version: the source may not delete it, and says so.
    expect(glue.schema("trip").versions.map((v) => [v.versionNumber, v.status])).to.deep.equal([
      [1, "AVAILABLE"],
      [2, "FAILURE"],
    ]);
    expect(glue.calls.map((c) => c.operation)).not.to.include("DeleteSchemaVersions");
  });

  it("FAILURE after PENDING: refused alike", async () => {
    const glueSource = await source({ pendingReads: 2 });
    const error = await refusal(glueSource.register("trip", BREAKING));
    expect([error.versionNumber, error.status, error.latestVersion]).to.deep.equal([2, "FAILURE", 2]);
    expect(glue.calls.filter((c) => c.operation === "GetSchemaVersion" && c.input.SchemaVersionId)).to.have.length(3);
  });

  it("a definition refused at an earlier registration, no longer the latest: refused, and the message says which is", async () => {
    const glueSource = await source({ pendingReads: 0 });
    glue.addVersion("trip", BREAKING, "FAILURE");
    glue.addVersion("trip", COMPATIBLE, "AVAILABLE");
    const error = await refusal(glueSource.register("trip", BREAKING));
    expect(error.message).to.contain("RegisterSchemaVersion gave version 2 status FAILURE");
    expect(error.message).to.contain("The latest version is still 3.");
    expect(error.message).to.contain(DELETE_V2);
  });

  it("AVAILABLE after PENDING: the new version, by number and id", async () => {
    const glueSource = await source({ pendingReads: 1 });
    const version = await glueSource.register("trip", COMPATIBLE);
    const [, v2] = glue.schema("trip").versions;
    expect(version).to.deep.equal({
      schemaName: "trip",
      versionNumber: 2,
      schemaVersionId: v2.schemaVersionId,
      definition: COMPATIBLE,
    });
  });

  describe("reading the latest version (ingest without auto-registration)", () => {
    for (const status of ["FAILURE", "PENDING", "DELETING"] as const) {
      it(`a latest version with status ${status} is refused, never validated against`, async () => {
        const glueSource = await source({ pendingReads: 0 });
        glue.addVersion("trip", BREAKING, status);
        const error = await glueSource.latest("trip").then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(UnavailableLatestVersionError);
        expect((error as Error).message).to.contain(`its latest version, 2, has status ${status}, not AVAILABLE`);
        if (status !== "PENDING") expect((error as Error).message).to.contain(DELETE_V2);
      });
    }

    it("an AVAILABLE latest version is read", async () => {
      const glueSource = await source({ pendingReads: 0 });
      expect((await glueSource.latest("trip")).versionNumber).to.equal(1);
    });
  });
});
