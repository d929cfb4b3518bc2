/**
 * Infra imports only contracts from runtime: each part's contract (runtime/**\/contract*.ts,
 * and runtime/contracts.ts, the list of them) and the short list of pure modules below
 * (limits, constants, policy tables, the settings kit and the metric catalogue); never an
 * adapter, an entry point or process code. And what infra may import is pure all the way down: no package (an AWS
 * SDK client, a server, a logger), only Node's path and fs to read the repository's files.
 */
import { expect } from "chai";
import { importsOf, runtimeClosure, sourceFiles } from "./import-graph";

/** Modules of the runtime infra may import besides contracts, each with why. */
const PURE_RUNTIME_MODULES: Readonly<Record<string, string>> = {
  "runtime/common/env.ts": "the settings kit every contract's variables are written in",
  "runtime/common/parsers.ts": "the settings kit's parsers, which the stack's config keys are built from too",
  "runtime/common/setting.ts": "the settings kit's sentences for a refused value, which the config's rules use",
  "runtime/common/repo-root.ts": "where the repository (or image) root is: the Lambda archives' and the image's",
  "runtime/stream/limits.ts": "Kinesis limits the stream's config is checked against",
  "runtime/stream/tenant-key.ts":
    "what a tenant id is: the stack's tenantMetrics key, the lake's partitions and example queries",
  "runtime/tenants/defaults.ts":
    "ingest's authentication modes and the tenants' default limits, which the config takes",
  "runtime/tenants/tenant-items.ts": "the tenants table's key, which the stack creates the table with",
  "runtime/hotspots/job-config.ts": "the hot-spot job's settings and their limits, which the stack's config sets",
  "runtime/scaling/shard-policy.ts": "the shard policy's defaults, which the scaler's alarms and the dashboard use",
  "runtime/scaling/flink-policy.ts": "the Flink policy's defaults and ranges, which its alarms and config use",
  "runtime/scaling/usage-alarms.ts": "the usage-factor alarm math, which the stack creates and the scaler rewrites",
  "runtime/schemas/compatibility-mode.ts": "the Glue compatibility modes the stack's config takes",
  "runtime/schemas/shipped-schemas.ts": "the schema files the stack registers",
  "runtime/schemas/setup-input.ts": "the schema setup function's event, which the stack builds",
  "runtime/lake/columns.ts": "JSON Schema to the lake's column types and Glue's, which the Glue tables declare",
  "runtime/lake/lake-tables.ts": "the lake's tables and their columns, which the Glue catalog declares",
  "runtime/lake/object-keys.ts": "where the lake's objects are, which the tables' locations and grants name",
  "runtime/lake/lake-views.ts": "the SQL of the lake's views, which the Glue catalog stores and the local query runs",
  "runtime/lake/compaction/expiry-tag.ts": "the tag of merged segment objects, which the bucket's lifecycle expires",
  "runtime/cost/price-table.ts": "the prices the config reference quotes (what the Kinesis endpoint costs)",
  "runtime/cost/endpoint-break-even.ts":
    "where the Kinesis endpoint pays off against NAT, which the config reference says",
  "runtime/search/search-roles.ts": "the OpenSearch roles the stack maps IAM roles to",
  "runtime/observability/metrics/metric.ts": "what the metric catalogue says of a metric",
  "runtime/observability/metrics/kinesis.ts": "the catalogue's Kinesis metrics, which alarms and the dashboard read",
  "runtime/observability/metrics/flink.ts": "the catalogue's Managed Flink metrics, read by the Flink scaler's alarms",
  "runtime/observability/metrics/aws-services.ts":
    "the catalogue's Lambda, ECS and OpenSearch metrics the dashboard reads",
  "runtime/observability/metrics/pipeline.ts":
    "the catalogue's metrics of our own parts, which alarms and the dashboard read",
  "runtime/observability/metrics/reads.ts": "a catalogue metric in the shape an alarm or a dashboard line takes",
};

/** Packages a module infra imports may reach: Node's, to read the repository's files. */
const PURE_PACKAGES = new Set(["node:path", "node:fs"]);

/** runtime/**\/contract*.ts, or a part's `<deployable>-contract.ts` when its folder holds several. */
const isContract = (file: string): boolean => /^runtime\/(.+\/)?([^/]+-)?contract[^/]*\.ts$/.test(file);

/** What `files` import from the runtime that is neither a contract nor on the list, as "file -> module". */
function forbiddenRuntimeImports(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((m) => m.startsWith("runtime/") && !isContract(m) && PURE_RUNTIME_MODULES[m] === undefined)
      .map((m) => `${file} -> ${m}`),
  );
}

describe("infra imports only contracts and pure modules from the runtime", () => {
  const infra = [...sourceFiles("infra"), "index.ts"];

  it("every import of infra/ from runtime/ is a contract or a listed pure module", () => {
    expect(forbiddenRuntimeImports(infra)).to.deep.equal([]);
  });

  it("the rule sees an adapter, an entry point and process code for what they are", () => {
    expect(isContract("runtime/ingest/contract.ts")).to.equal(true);
    expect(isContract("runtime/scaling/shard-scaler-contract.ts")).to.equal(true);
    expect(isContract("runtime/common/contract.ts")).to.equal(true);
    expect(isContract("runtime/contracts.ts")).to.equal(true);
    for (const module of [
      "runtime/scaling/shard-scaler-aws.ts",
      "runtime/scaling/shard-scaler-entry.ts",
      "runtime/local/replay-child.ts",
      "runtime/processing/metrics.ts",
    ]) {
      expect(isContract(module), module).to.equal(false);
      expect(PURE_RUNTIME_MODULES[module], module).to.equal(undefined);
    }
  });

  it("contracts and the listed modules reach no package but Node's path and fs", () => {
    const modules = [...sourceFiles("runtime").filter(isContract), ...Object.keys(PURE_RUNTIME_MODULES)];
    expect(modules.length).to.be.greaterThan(Object.keys(PURE_RUNTIME_MODULES).length);
    const problems = modules.flatMap((module) =>
      runtimeClosure(module).flatMap((file) =>
        importsOf(file)
          .filter((m) => !m.startsWith("runtime/") && !PURE_PACKAGES.has(m))
          .map((m) => `${module} reaches ${m} (imported by ${file})`),
      ),
    );
    expect(problems).to.deep.equal([]);
  });
});
