/**
 * tools/schema-check.ts against a throwaway git repository: the versions come from git log and
 * git show, the working tree is the candidate, and the exit code stops a breaking change.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";

const ROOT = path.join(__dirname, "..", "..", "..");
const CLI = path.join(ROOT, "tools", "schema-check.ts");
const WEATHER = JSON.parse(readFileSync(path.join(ROOT, "schemas", "weather-report.json"), "utf8"));
const RUN_TIMEOUT_MS = 60_000;

function schemaCheck(...args: string[]) {
  const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: RUN_TIMEOUT_MS,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("schema-check CLI", function () {
  this.timeout(4 * RUN_TIMEOUT_MS);
  let repo: string;

  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], {
      cwd: repo,
      stdio: "pipe",
      timeout: RUN_TIMEOUT_MS,
    });
  const writeWeather = (schema: unknown) =>
    writeFileSync(path.join(repo, "schemas", "weather-report.json"), JSON.stringify(schema, null, 2));

  before(() => {
    repo = mkdtempSync(path.join(tmpdir(), "schema-check-"));
    mkdirSync(path.join(repo, "schemas"));
    git("init", "-q");
    writeWeather(WEATHER);
    git("add", ".");
    git("commit", "-q", "-m", "weather-report v1");
  });

  after(() => rmSync(repo, { recursive: true, force: true }));

  it("passes a first version", () => {
    const run = schemaCheck("--repo", repo);
    expect(run).to.deep.include({ status: 0, stderr: "" });
    expect(run.stdout).to.contain("weather-report: compatible (first version)");
  });

  it("passes an optional country in the working tree, then commits it", () => {
    const next = JSON.parse(JSON.stringify(WEATHER));
    next.properties.location.properties.country = { type: "string" };
    writeWeather(next);
    const run = schemaCheck("--repo", repo);
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.contain("weather-report: compatible (version 2 against 1 earlier)");
    git("commit", "-q", "-am", "weather-report v2: optional country");
  });

  it("stops a required country with exit code 1 and the reason, uncommitted or committed", () => {
    const next = JSON.parse(readFileSync(path.join(repo, "schemas", "weather-report.json"), "utf8"));
    next.properties.location.required.push("country");
    writeWeather(next);
    const uncommitted = schemaCheck("--repo", repo);
    expect(uncommitted.status).to.equal(1);
    expect(uncommitted.stdout).to.contain(
      "weather-report: INCOMPATIBLE (version 3)\n    /properties/location/required: country became required\n",
    );
    git("commit", "-q", "-am", "weather-report v3: country required");
    expect(schemaCheck("--repo", repo).status).to.equal(1);
  });

  it("takes the mode from --mode", () => {
    const run = schemaCheck("--repo", repo, "--mode", "NONE");
    expect(run.status).to.equal(0);
    expect(run.stdout).to.contain("Schema compatibility (NONE):");
  });

  it("answers bad usage with exit code 2 and what is allowed", () => {
    const badMode = schemaCheck("--repo", repo, "--mode", "SIDEWAYS");
    expect(badMode.status).to.equal(2);
    expect(badMode.stderr).to.contain('unknown compatibility mode "SIDEWAYS" (allowed: NONE, DISABLED, BACKWARD');
    const notGit = mkdtempSync(path.join(tmpdir(), "schema-check-nogit-"));
    try {
      mkdirSync(path.join(notGit, "schemas"));
      const run = schemaCheck("--repo", notGit);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.contain(`${notGit} is not a git repository`);
    } finally {
      rmSync(notGit, { recursive: true, force: true });
    }
    expect(schemaCheck("--frobnicate").stderr).to.contain(
      'unknown argument "--frobnicate" (allowed: --mode, --repo, --help)',
    );
  });
});
