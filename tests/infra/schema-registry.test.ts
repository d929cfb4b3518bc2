import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { COMPATIBILITY_MODES } from "../../runtime/schema/compatibility-mode";
import { SchemaRegistry } from "../../infra/schema-registry";
import { run, runPipeline, statementsOf } from "../harness/pulumi";

const SCHEMAS = path.resolve(__dirname, "..", "..", "schemas");

describe("SchemaRegistry", () => {
  let result: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    result = await runPipeline();
  });

  it("creates one registry named after the stack", () => {
    expect(result.recorded.one("aws:glue/registry:Registry").inputs).to.include({
      registryName: "kinesis-pipeline-test",
    });
    expect(result.outputs.schemaRegistryArn).to.equal(result.recorded.one("aws:glue/registry:Registry").state.arn);
  });

  it("registers every file of schemas/ as a JSON schema, with its definition and description, under BACKWARD by default", () => {
    const files = readdirSync(SCHEMAS).filter((f) => f.endsWith(".json"));
    expect(files.length).to.be.at.least(2);
    const schemas = result.recorded.all("aws:glue/schema:Schema");
    expect(schemas.map((s) => s.inputs.schemaName)).to.have.members(files.map((f) => f.replace(/\.json$/, "")));
    for (const file of files) {
      const text = readFileSync(path.join(SCHEMAS, file), "utf8");
      const schema = schemas.find((s) => s.inputs.schemaName === file.replace(/\.json$/, ""))!;
      expect(schema.inputs).to.deep.include({
        dataFormat: "JSON",
        compatibility: "BACKWARD",
        schemaDefinition: text,
        registryArn: result.outputs.schemaRegistryArn,
        description: JSON.parse(text).description,
      });
    }
    expect(Object.keys(result.outputs.schemaArns as object)).to.have.members(["taxi-trip", "weather-report"]);
  });

  for (const mode of COMPATIBILITY_MODES) {
    it(`accepts compatibility ${mode}`, async () => {
      const { recorded } = await runPipeline({ schemaCompatibility: mode });
      for (const s of recorded.all("aws:glue/schema:Schema")) expect(s.inputs.compatibility).to.equal(mode);
    });
  }

  it("refuses an unknown compatibility mode, naming the allowed ones", async () => {
    const error = await runPipeline({ schemaCompatibility: "STRICT" }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.contain(
      "schemaCompatibility must be one of NONE, DISABLED, BACKWARD, BACKWARD_ALL, FORWARD, FORWARD_ALL, FULL, FULL_ALL, got STRICT",
    );
  });

  describe("grants: reading versions on * (a fetch by version id names no registry), registering scoped", () => {
    async function granted(autoRegistration: boolean) {
      return run(() => {
        const registry = new SchemaRegistry("schemas", { compatibility: "BACKWARD", autoRegistration, tags: {} });
        const producer = new aws.iam.Role("producer", { assumeRolePolicy: "{}" });
        const consumer = new aws.iam.Role("consumer", { assumeRolePolicy: "{}" });
        registry.grantProduce(producer, "producer");
        registry.grantRead(consumer, "consumer");
        return { registry: registry.arn, schemas: registry.schemaArns() };
      });
    }

    it("producers and consumers may read schema versions, by id too; nobody may register without auto-registration", async () => {
      const { recorded } = await granted(false);
      for (const name of ["schemas-produce-producer", "schemas-read-consumer"]) {
        // GetSchemaVersion by SchemaVersionId is authorized on no registry or schema ARN: only "*" allows it.
        expect(statementsOf(recorded.one("aws:iam/rolePolicy:RolePolicy", name))).to.deep.equal([
          { Sid: "SchemaRead", Effect: "Allow", Action: ["glue:GetSchemaVersion"], Resource: ["*"] },
        ]);
      }
    });

    it("with auto-registration on, the producer (only) may also register versions", async () => {
      const { recorded, outputs } = await granted(true);
      const scope = [outputs.registry, ...Object.values(outputs.schemas as unknown as Record<string, string>)];
      expect(statementsOf(recorded.one("aws:iam/rolePolicy:RolePolicy", "schemas-produce-producer"))).to.deep.equal([
        { Sid: "SchemaRead", Effect: "Allow", Action: ["glue:GetSchemaVersion"], Resource: ["*"] },
        {
          Sid: "SchemaRegister",
          Effect: "Allow",
          Action: ["glue:GetSchemaByDefinition", "glue:RegisterSchemaVersion"],
          Resource: scope,
        },
      ]);
      expect(statementsOf(recorded.one("aws:iam/rolePolicy:RolePolicy", "schemas-read-consumer"))).to.have.lengthOf(1);
    });
  });
});
