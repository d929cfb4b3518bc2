/**
 * Each rule between config keys is stated once, in a pure function beside its part
 * (infra/<part>/*-rules.ts): validateConfig lists its problems with every other, and a
 * component built outside validateConfig refuses the same inputs in the same words.
 */
import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { validateConfig } from "../../../infra/config/config";
import { PipelineService, PipelineServiceArgs } from "../../../infra/common/pipeline-service";
import { IngestDomain } from "../../../infra/ingest/ingest-domain";
import { StreamStorage } from "../../../infra/stream/stream-storage";
import { run, TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";

const ROOT = join(__dirname, "..", "..", "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** The one problem validateConfig finds in `raw` (with analytics' required CIDR filled in). */
function problemOf(raw: Record<string, string>): string {
  const result = validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, ...raw });
  if (result.ok) throw new Error(`validateConfig accepted ${JSON.stringify(raw)}`);
  expect(result.problems).to.have.lengthOf(1);
  return result.problems[0];
}

/** The message of what `build` throws, built under the plan mocks. */
async function thrownBy(build: () => unknown): Promise<string> {
  try {
    await run(build);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the component accepted inputs its rule refuses");
}

describe("rules between config keys", () => {
  it("StreamStorage refuses a shard count with ON_DEMAND in the words validateConfig uses", async () => {
    const expected = problemOf({ streamMode: "ON_DEMAND", shardCount: "2" });
    const thrown = await thrownBy(
      () => new StreamStorage("s", { mode: "ON_DEMAND", shardCount: 2, retentionHours: 24 }),
    );
    expect(thrown).to.equal(expected);
  });

  it("PipelineService refuses a size Fargate does not offer, and max below min tasks, in validateConfig's words", async () => {
    const service = (sizes: Partial<PipelineServiceArgs>) => () =>
      new PipelineService("ingest", {
        cpu: 512,
        memory: 1024,
        minTasks: 1,
        maxTasks: 1,
        ...sizes,
      } as PipelineServiceArgs);
    expect(await thrownBy(service({ cpu: 256, memory: 4096 }))).to.equal(
      problemOf({ ingestCpu: "256", ingestMemory: "4096" }),
    );
    expect(await thrownBy(service({ minTasks: 5, maxTasks: 3 }))).to.equal(
      problemOf({ ingestMinTasks: "5", ingestMaxTasks: "3" }),
    );
  });

  it("IngestDomain refuses a name without a zone or a certificate in validateConfig's words", async () => {
    const thrown = await thrownBy(() => new IngestDomain("ingest-domain", { domain: { name: "ingest.example.com" } }));
    expect(thrown).to.equal(problemOf({ ingestDomainName: "ingest.example.com" }));
  });

  it("says each rule's words in one file of infra/, the rules file beside its part", () => {
    const files = sources(join(ROOT, "infra")).map((path) => ({
      path: relative(ROOT, path),
      text: readFileSync(path, "utf8"),
    }));
    const phrases: [string, string][] = [
      ["must not be set when streamMode is ON_DEMAND", "infra/stream/stream-storage-rules.ts"],
      ["Memory must suit", "infra/common/pipeline-service-rules.ts"],
      ["needs ingestDomainName", "infra/ingest/ingest-domain-rules.ts"],
      ["needs a certificate for HTTPS", "infra/ingest/ingest-domain-rules.ts"],
      ["sends a tenant's API key with every request", "infra/ingest/ingest-auth-rules.ts"],
      ["must be set when analytics is true", "infra/search/search-domain-rules.ts"],
      ["must be 1 or an even number", "infra/search/search-domain-rules.ts"],
      ["must be unset while analytics is true", "infra/hotspots/hotspot-job-rules.ts"],
      ["KPUs at flinkParallelismPerKpu", "infra/hotspots/hotspot-job-rules.ts"],
      ["would fight over the parallelism", "infra/scaling/flink-scaler-rules.ts"],
      ['"at most", "the shard count"', "infra/scaling/shard-scaler-rules.ts"],
    ];
    for (const [phrase, home] of phrases) {
      const saying = files.filter((f) => f.text.includes(phrase)).map((f) => f.path);
      expect(saying, phrase).to.deep.equal([home]);
    }
  });
});
