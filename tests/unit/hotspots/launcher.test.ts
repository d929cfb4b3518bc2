import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  APPLICATION_FILES,
  APPLICATION_SOURCES,
  FLINK_CONNECTOR_JAR,
  JOB_PROPERTIES_GROUP,
  mavenCentralUrl,
  RUN_OPTIONS,
} from "../../../runtime/hotspots/job-contract";
import {
  fillPlaceholders,
  hotspotStatements,
  SQL_PLACEHOLDERS,
  statementsFile,
} from "../../../runtime/hotspots/flink-sql";
import { jobConfig } from "../../../runtime/hotspots/job-config";

/** Calls a function of the launcher (flink/main.py) under python3 with JSON in and out. */
function launcher(call: string, input: unknown): { ok: unknown } | { error: string } {
  const script = [
    "import json, sys",
    `sys.path.insert(0, ${JSON.stringify(path.dirname(APPLICATION_SOURCES.launcher))})`,
    "import main",
    "args = json.loads(sys.stdin.read())",
    "try:",
    `    print(json.dumps({"ok": ${call}}))`,
    "except ValueError as e:",
    '    print(json.dumps({"error": str(e)}))',
  ].join("\n");
  const run = spawnSync("python3", ["-c", script], { input: JSON.stringify(input), encoding: "utf8", timeout: 20_000 });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const rendered = statementsFile(hotspotStatements(jobConfig()));
const values = Object.fromEntries(Object.keys(SQL_PLACEHOLDERS).map((name) => [name, `value-of-${name}`]));

describe("hot spots: the Managed Flink launcher (flink/main.py)", () => {
  it("splits the rendered statements file back into the statements", () => {
    expect(launcher("main.split_statements(args)", rendered)).to.deep.equal({ ok: hotspotStatements(jobConfig()) });
  });

  it("fills the placeholders exactly as fillPlaceholders does", () => {
    const statements = hotspotStatements(jobConfig());
    expect(launcher("main.fill_placeholders(args[0], args[1])", [statements, values])).to.deep.equal({
      ok: fillPlaceholders(statements, values),
    });
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    [
      "a missing property names it and the group",
      { ...values, resultsStreamArn: "" },
      /resultsStreamArn \(group HotspotJob\) is missing/,
    ],
    ["a quote in a value is refused", { ...values, region: "x' OR '1" }, /region is x' OR '1, allowed: no quote/],
  ];
  for (const [name, props, message] of refusals) {
    it(name, () => {
      const out = launcher("main.fill_placeholders(args[0], args[1])", [hotspotStatements(jobConfig()), props]);
      expect("error" in out && out.error).to.match(message);
    });
  }

  it("plans SET into the config, CREATEs at once, the three INSERTs into one statement set", () => {
    const out = launcher("main.plan(args)", hotspotStatements(jobConfig())) as { ok: string[][] };
    expect(out.ok.map((step) => step[0])).to.deep.equal([
      "set",
      ...Array(7).fill("execute"), // three functions, four tables
      "insert",
      "insert",
      "insert",
    ]);
    expect(out.ok[0]).to.deep.equal(["set", "table.local-time-zone", "UTC"]);
  });

  it("reads Managed Flink's application properties file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "flink-props-"));
    try {
      const file = path.join(dir, "application_properties.json");
      writeFileSync(
        file,
        JSON.stringify([
          { PropertyGroupId: "kinesis.analytics.flink.run.options", PropertyMap: RUN_OPTIONS },
          { PropertyGroupId: JOB_PROPERTIES_GROUP, PropertyMap: values },
        ]),
      );
      expect(launcher("main.read_properties(args)", file)).to.deep.equal({
        ok: { "kinesis.analytics.flink.run.options": RUN_OPTIONS, [JOB_PROPERTIES_GROUP]: values },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the launcher's group and files as the application lays them out", () => {
    const source = launcher("[main.JOB_GROUP, main.STATEMENTS_FILE.split('/')[-1]]", null);
    expect(source).to.deep.equal({ ok: [JOB_PROPERTIES_GROUP, APPLICATION_FILES.statements] });
    expect(RUN_OPTIONS).to.deep.equal({
      python: "main.py",
      jarfile: "lib/flink-sql-connector-kinesis-5.0.0-1.20.jar",
      pyFiles: "hotspot_udfs.py",
    });
    expect(mavenCentralUrl(FLINK_CONNECTOR_JAR)).to.equal(
      "https://repo1.maven.org/maven2/org/apache/flink/flink-sql-connector-kinesis/5.0.0-1.20/flink-sql-connector-kinesis-5.0.0-1.20.jar",
    );
  });
});
