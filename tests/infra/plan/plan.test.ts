import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { masked, planDocument, renderText } from "../../../infra/plan/render";
import { readStackConfigFile, SECRET_PLACEHOLDER } from "../../../infra/plan/stack-config";
import { PlannedResource } from "../../../infra/plan/mocks";

const ROOT = join(__dirname, "..", "..", "..");
const run = promisify(execFile);

function plan(...args: string[]) {
  return run(process.execPath, ["-r", "ts-node/register/transpile-only", "infra/plan/main.ts", ...args], {
    cwd: ROOT,
    timeout: 60_000,
  });
}

describe("offline plan (npm run plan)", function () {
  // Each case starts a process that loads Pulumi and the AWS provider: seconds, not ms.
  this.timeout(60_000);
  it("--stack dev --json lists the stream and its key with their inputs and parent", async () => {
    const { stdout } = await plan("--stack", "dev", "--json");
    const doc = JSON.parse(stdout);
    expect(doc).to.include({ project: "kinesis-pipeline", stack: "dev", region: "us-east-1" });
    const byType = (t: string) => doc.resources.filter((r: { type: string }) => r.type === t);
    const [stream] = byType("aws:kinesis/stream:Stream");
    const [key] = byType("aws:kms/key:Key");
    expect(stream).to.include({
      name: "stream",
      parent: "stream",
      parentType: "kinesis-pipeline:stream:StreamStorage",
    });
    expect(stream.inputs).to.include({ shardCount: 2, retentionPeriod: 24, encryptionType: "KMS" });
    expect(stream.inputs.tags).to.deep.equal({ environment: "dev", project: "kinesis-pipeline" });
    expect(key.inputs).to.include({ enableKeyRotation: true });
    expect(stream.inputs.kmsKeyId).to.equal(doc.outputs.streamKeyArn);
    expect(Object.keys(doc.outputs)).to.have.members([
      "streamName",
      "streamArn",
      "streamKeyArn",
      "ingestUrl",
      "ingestLoadBalancerDnsName",
      "schemaRegistryArn",
      "schemaArns",
      "dashboardsUrl",
      "searchMasterUserSecretArn",
      "flinkApplicationName",
      "replayCommand",
      "replayApiKeySecretArn",
      "tenantsTable",
      "region",
      "scalingTopicArn",
      "flinkScalingTopicArn",
      "cloudwatchDashboardUrl",
      "alertsTopicArn",
    ]);
  });

  it("prints a tree a reviewer can read, children under their component", async () => {
    const { stdout } = await plan("--stack", "dev");
    const lines = stdout.split("\n");
    expect(lines[0]).to.match(/^Plan for stack "dev" of kinesis-pipeline in us-east-1: \d+ resources/);
    const component = lines.indexOf("+ kinesis-pipeline:stream:StreamStorage  stream");
    const stream = lines.indexOf("  + aws:kinesis/stream:Stream  stream");
    expect(component).to.be.greaterThan(0);
    expect(stream).to.be.greaterThan(component);
    expect(lines).to.include("        shardCount: 2");
  });

  it("names the missing stack file and exits non-zero", async () => {
    let failure: { code?: number; stderr?: string } | undefined;
    try {
      await plan("--stack", "no-such-stack");
    } catch (e) {
      failure = e as { code: number; stderr: string };
    }
    expect(failure?.code).to.equal(1);
    expect(failure?.stderr).to.contain("Pulumi.no-such-stack.yaml");
  });

  describe("stack config as the Pulumi CLI passes it", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "plan-"));
      writeFileSync(
        join(dir, "Pulumi.yaml"),
        "name: proj\nruntime: nodejs\nconfig:\n  a:\n    type: string\n    default: x\n  b:\n    type: integer\n    default: 3\n",
      );
      writeFileSync(
        join(dir, "Pulumi.s.yaml"),
        "config:\n  aws:region: eu-west-1\n  proj:b: 7\n  token:\n    secure: v1:abc\n  proj:obj:\n    k: v\n",
      );
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("applies declared defaults, namespaces bare keys and masks secrets", () => {
      expect(readStackConfigFile(dir, "s")).to.deep.equal({
        project: "proj",
        stack: "s",
        region: "eu-west-1",
        config: {
          "aws:region": "eu-west-1",
          "proj:b": "7",
          "proj:token": SECRET_PLACEHOLDER,
          "proj:obj": '{"k":"v"}',
          "proj:a": "x",
        },
        secretKeys: ["proj:token"],
      });
    });
  });

  describe("rendering", () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };

    it("masks secrets at any depth and describes assets instead of dumping them", async () => {
      expect(
        await masked({
          password: secret,
          nested: [{ token: secret }],
          code: new pulumi.asset.FileArchive("./dist"),
          plain: "ok",
        }),
      ).to.deep.equal({
        password: SECRET_PLACEHOLDER,
        nested: [{ token: SECRET_PLACEHOLDER }],
        code: "<FileArchive path: ./dist>",
        plain: "ok",
      });
    });

    it("keeps a child under its own parent when names repeat across types", async () => {
      const r = (type: string, name: string, parentUrn?: string): PlannedResource => ({
        type,
        name,
        urn: `urn:${type}::${name}`,
        parentUrn,
        custom: true,
        inputs: { n: name },
        state: {},
        ignoreChanges: [],
        protect: false,
        dependsOn: [],
        aliases: [],
      });
      const component = r("x:y:Component", "same");
      const child = r("aws:s/t:T", "same", component.urn);
      const text = renderText(await planDocument({ project: "p", stack: "s", region: "r" }, [component, child], {}));
      expect(text).to.contain('+ x:y:Component  same\n      n: "same"\n  + aws:s/t:T  same\n        n: "same"');
    });
  });
});
