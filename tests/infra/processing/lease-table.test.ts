import { expect } from "chai";
import { join } from "node:path";
import { readStackConfig, validateConfig } from "../../../infra/config/config";
import { definePipeline } from "../../../infra/pipeline";
import { readStackConfigFile } from "../../../infra/plan/stack-config";
import { run as runProgram, runPipeline, TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";

const TABLE = "aws:dynamodb/table:Table";
const ROOT = join(__dirname, "..", "..", "..");

describe("lease table deletion protection", () => {
  it("is on by default: DynamoDB refuses to delete the table holding the checkpoints", async () => {
    const { recorded } = await runPipeline();
    expect(recorded.one(TABLE, "processing-leases").inputs.deletionProtectionEnabled).to.equal(true);
  });

  it("leaseDeletionProtection false turns it off", async () => {
    const { recorded } = await runPipeline({ leaseDeletionProtection: "false" });
    expect(recorded.one(TABLE, "processing-leases").inputs.deletionProtectionEnabled).to.equal(false);
  });

  it("the dev stack (Pulumi.dev.yaml), destroyed freely, turns it off", async () => {
    const dev = readStackConfigFile(ROOT, "dev");
    const { recorded } = await runProgram(() => definePipeline(readStackConfig()), {
      stack: "dev",
      config: dev.config,
    });
    expect(recorded.one(TABLE, "processing-leases").inputs.deletionProtectionEnabled).to.equal(false);
  });

  it("takes true or false only, naming the key and what is allowed", () => {
    const result = validateConfig({
      searchClientCidr: TEST_CLIENT_CIDR,
      ...TEST_PLAIN_HTTP,
      leaseDeletionProtection: "yes",
    });
    expect(result.ok ? [] : result.problems).to.deep.equal([
      "leaseDeletionProtection must be true or false (for yes, write true), got yes",
    ]);
  });
});
