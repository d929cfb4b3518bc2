import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { COMPATIBILITY_MODES } from "../../../runtime/schemas/compatibility-mode";
import { PROVENANCE_KEYS, SchemaSetupInput } from "../../../runtime/schemas/setup-input";
import { SchemaRegistry } from "../../../infra/schemas/schema-registry";
import { schemaProvenance } from "../../../infra/schemas/schema-provenance";
import { startGlueStandIn, STAND_IN_REGION } from "../../harness/glue-stand-in";
import {
  archiveEntries,
  expectArchiveContents,
  invokeArchive,
  neededPackageFolders,
  unpackedBytes,
} from "../../harness/lambda-archive";
import { Recorded, roleStatements, run, runPipeline, statementsOf } from "../../harness/pulumi";
import { serviceActions } from "../../../runtime/common/contract";
import { INGEST } from "../../../runtime/ingest/contract";
import { PROCESSING } from "../../../runtime/processing/service-contract";

const SCHEMAS = path.resolve(__dirname, "..", "..", "..", "schemas");

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
        const registry = new SchemaRegistry("schemas", {
          compatibility: "BACKWARD",
          autoRegistration,
        });
        const producer = new aws.iam.Role("producer", { assumeRolePolicy: "{}" });
        const consumer = new aws.iam.Role("consumer", { assumeRolePolicy: "{}" });
        // The Glue calls of ingest with a schema in the registry, and of a worker decoding records.
        const schema = { SCHEMA_NAME: "taxi-trip", SCHEMA_REGISTRY_NAME: "registry" };
        registry.grantProduce(
          producer,
          "producer",
          serviceActions(INGEST, { ...schema, SCHEMA_AUTO_REGISTER: autoRegistration }, "glue"),
        );
        registry.grantRead(consumer, "consumer", serviceActions(PROCESSING, schema, "glue"));
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

  describe("the setup function: Glue's verdict on each schema file, at deploy", () => {
    const SETUP = "schemas-setup";
    const INVOCATION = "aws:lambda/invocation:Invocation";
    const setupFunction = (recorded: Recorded) => recorded.one("aws:lambda/function:Function", SETUP);
    const setupInput = (recorded: Recorded) =>
      JSON.parse(recorded.one(INVOCATION, SETUP).inputs.input as string) as SchemaSetupInput;

    it("leaves later definitions to the function: each schema ignores changes to its definition", () => {
      for (const schema of result.recorded.all("aws:glue/schema:Schema")) {
        expect(schema.ignoreChanges, schema.name).to.deep.equal(["schemaDefinition"]);
      }
    });

    it("is invoked with the registry, the mode and every file with its provenance (hash and commit)", () => {
      const files = readdirSync(SCHEMAS)
        .filter((f) => f.endsWith(".json"))
        .sort();
      expect(setupInput(result.recorded)).to.deep.equal({
        registryName: "kinesis-pipeline-test",
        compatibility: "BACKWARD",
        schemas: files.map((file) => {
          const text = readFileSync(path.join(SCHEMAS, file), "utf8");
          return {
            name: file.replace(/\.json$/, ""),
            definition: text,
            provenance: {
              file: `schemas/${file}`,
              fileSha256: createHash("sha256").update(text).digest("hex"),
              commit: schemaProvenance(REPO_ROOT, path.join(SCHEMAS, file), text).commit,
            },
          };
        }),
      });
      expect(setupInput(result.recorded).schemas[0].provenance.commit).to.match(/^([0-9a-f]{40}|uncommitted)$/);
      expect(result.recorded.one(INVOCATION, SETUP).inputs.functionName).to.equal(
        setupFunction(result.recorded).state.name,
      );
    });

    it("runs again when the function's code, the registry, a schema or a file changes (triggers), and after its grant", () => {
      const invocation = result.recorded.one(INVOCATION, SETUP);
      const schemas = result.recorded.all("aws:glue/schema:Schema");
      expect(invocation.inputs.triggers).to.deep.equal({
        code: setupFunction(result.recorded).state.sourceCodeHash,
        registry: result.outputs.schemaRegistryArn,
        ...Object.fromEntries(
          setupInput(result.recorded).schemas.map((s) => [
            `schema-${s.name}`,
            `${schemas.find((r) => r.inputs.schemaName === s.name)!.state.arn} ${s.provenance.fileSha256}`,
          ]),
        ),
      });
      expect(invocation.dependsOn).to.include.members([
        result.recorded.one("aws:iam/rolePolicy:RolePolicy", `${SETUP}-glue`).urn,
        ...schemas.map((s) => s.urn),
      ]);
    });

    it("a changed file changes the invocation's input and trigger: it runs again", async () => {
      const repo = mkdtempSync(path.join(tmpdir(), "schema-files-"));
      try {
        const dir = path.join(repo, "schemas");
        mkdirSync(dir);
        const invocationWith = async (text: string) => {
          writeFileSync(path.join(dir, "trip.json"), text);
          const { recorded } = await run(() => {
            new SchemaRegistry("schemas", {
              compatibility: "FULL",
              autoRegistration: false,
              schemasDir: dir,
            });
          });
          return recorded.one(INVOCATION, SETUP).inputs;
        };
        const before = await invocationWith('{"type":"object"}');
        const after = await invocationWith('{"type":"object","required":["id"]}');
        expect(JSON.parse(after.input as string).schemas[0]).to.deep.include({
          name: "trip",
          definition: '{"type":"object","required":["id"]}',
        });
        expect(JSON.parse(after.input as string).schemas[0].provenance).to.deep.include({
          file: "schemas/trip.json",
          commit: "unknown",
        });
        expect(after.input).not.to.equal(before.input);
        const triggers = (inputs: Record<string, unknown>) => inputs.triggers as Record<string, string>;
        expect(triggers(after)["schema-trip"]).not.to.equal(triggers(before)["schema-trip"]);
        expect(triggers(after).code).to.equal(triggers(before).code);
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    });

    it("a file whose path Glue's version metadata cannot hold is refused at preview, naming it", async () => {
      const repo = mkdtempSync(path.join(tmpdir(), "schema-files-"));
      try {
        mkdirSync(path.join(repo, "schemas"));
        writeFileSync(path.join(repo, "schemas", "trip#2.json"), '{"type":"object"}');
        const error = await run(() => {
          new SchemaRegistry("schemas", {
            compatibility: "BACKWARD",
            autoRegistration: false,
            schemasDir: path.join(repo, "schemas"),
          });
        }).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error?.message).to.contain(
          'version metadata source-file="schemas/trip#2.json" is not allowed (allowed: 1 to 256 of a-z A-Z 0-9 and + , - . / : ; < = _ @)',
        );
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    });

    it("its role holds exactly the Glue actions it calls, on the registry and its schemas (validity on *), and its logs", () => {
      const scope = [result.outputs.schemaRegistryArn, ...Object.values(result.outputs.schemaArns as object)];
      const logGroup = result.recorded.one("aws:cloudwatch/logGroup:LogGroup", SETUP);
      expect(roleStatements(result.recorded, SETUP)).to.have.deep.members([
        {
          Sid: "SchemaSetup",
          Action: [
            "glue:GetSchemaVersion",
            "glue:RegisterSchemaVersion",
            "glue:GetSchemaVersionsDiff",
            "glue:DeleteSchemaVersions",
            "glue:QuerySchemaVersionMetadata",
            "glue:PutSchemaVersionMetadata",
          ],
          Resource: scope,
        },
        { Sid: "SchemaValidity", Action: ["glue:CheckSchemaVersionValidity"], Resource: ["*"] },
        { Sid: "Logs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroup.state.arn}:*`] },
      ]);
    });

    for (const mode of ["fargate", "lambda"]) {
      it(`ingest and processing (${mode} mode) roll only after it (dependsOn)`, async () => {
        const { recorded } = mode === "fargate" ? result : await runPipeline({ processingMode: "lambda" });
        const setup = recorded.one(INVOCATION, SETUP).urn;
        expect(recorded.one("kinesis-pipeline:ingest:IngestService", "ingest").dependsOn).to.include(setup);
        expect(recorded.one("kinesis-pipeline:processing:ProcessingService", "processing").dependsOn).to.include(setup);
      });
    }

    it("ships the setup code and only ajv, small, and from that archive sets up a registry (first deploy)", async () => {
      const fn = setupFunction(result.recorded);
      expect(fn.inputs).to.include({ runtime: "nodejs22.x", handler: "__index.handler", timeout: 330 });
      const assets = await archiveEntries(fn);
      expectArchiveContents(assets, ["ajv", "ajv-formats"]);
      expect(unpackedBytes(assets)).to.be.below(10 * 1024 * 1024);

      // The archive alone, with the AWS SDK as the Lambda runtime provides it and nothing else.
      const sdk = mkdtempSync(path.join(tmpdir(), "lambda-runtime-sdk-"));
      const input = setupInput(result.recorded);
      const glue = await startGlueStandIn({ registryName: input.registryName });
      try {
        for (const folder of neededPackageFolders(["@aws-sdk/client-glue"])) {
          mkdirSync(path.dirname(path.join(sdk, folder)), { recursive: true });
          symlinkSync(path.join(REPO_ROOT, folder), path.join(sdk, folder));
        }
        for (const s of input.schemas) glue.createSchema(s.name, s.definition, input.compatibility);
        const report = await invokeArchive(assets, input, {
          NODE_PATH: path.join(sdk, "node_modules"),
          AWS_REGION: STAND_IN_REGION,
          AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
          AWS_SECRET_ACCESS_KEY: "secret",
          AWS_ENDPOINT_URL_GLUE: glue.endpoint,
        });
        expect(report).to.deep.equal({
          registryName: input.registryName,
          schemas: input.schemas.map((s) => ({
            name: s.name,
            change: "unchanged",
            version: 1,
            provenance: "recorded",
          })),
        });
        for (const s of input.schemas) {
          expect(glue.schema(s.name).versions[0].metadata.get(PROVENANCE_KEYS.fileSha256)).to.deep.equal([
            s.provenance.fileSha256,
          ]);
        }
      } finally {
        await glue.close();
        rmSync(sdk, { recursive: true, force: true });
      }
    });
  });

  describe("provenance: the file's hash and the last commit that changed it", () => {
    let repo: string;
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        cwd: repo,
        encoding: "utf8",
      }).trim();
    const provenance = (text: string) => schemaProvenance(repo, path.join(repo, "schemas", "trip.json"), text);
    const write = (text: string) => writeFileSync(path.join(repo, "schemas", "trip.json"), text);

    beforeEach(() => {
      repo = mkdtempSync(path.join(tmpdir(), "schema-provenance-"));
      mkdirSync(path.join(repo, "schemas"));
    });
    afterEach(() => rmSync(repo, { recursive: true, force: true }));

    it("outside git: the commit is unknown; the hash is the text's SHA-256", () => {
      write("{}");
      expect(provenance("{}")).to.deep.equal({
        file: "schemas/trip.json",
        fileSha256: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        commit: "unknown",
      });
    });

    it("in git: untracked and modified files are uncommitted; a committed file names its last commit", () => {
      git("init", "-q");
      write("{}");
      expect(provenance("{}").commit).to.equal("uncommitted");
      git("add", ".");
      expect(provenance("{}").commit, "staged").to.equal("uncommitted");
      git("commit", "-qm", "first");
      const first = git("rev-parse", "HEAD");
      expect(provenance("{}").commit).to.equal(first);
      write('{"type":"object"}');
      expect(provenance('{"type":"object"}').commit).to.equal("uncommitted");
      git("commit", "-qam", "second");
      const second = git("rev-parse", "HEAD");
      writeFileSync(path.join(repo, "other.txt"), "x");
      git("add", ".");
      git("commit", "-qm", "a later commit that leaves the schema alone");
      expect(provenance('{"type":"object"}').commit).to.equal(second);
    });
  });
});
