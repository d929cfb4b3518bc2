/**
 * The Dockerfile cannot be built here (no Docker engine), so these tests hold it to what
 * the project promises: multi-stage, production dependencies only, non-root, a health
 * check, and the same command the integration tests start.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { healthCheckCommand, serviceCommand } from "../../../runtime/common/contract-entry";
import { INGEST } from "../../../runtime/ingest/contract";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const lines = readFileSync(path.join(ROOT, "Dockerfile"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));

function instruction(name: string): string[] {
  return lines.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
}

describe("Dockerfile", () => {
  it("runs the command the integration tests start: the ingest contract's entry point", () => {
    expect(instruction("CMD").map((c) => JSON.parse(c))).to.deep.equal([serviceCommand(INGEST)]);
  });

  it("checks health with the same script as the ECS task definition", () => {
    const [healthcheck] = instruction("HEALTHCHECK");
    expect(JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD ") + 4))).to.deep.equal(healthCheckCommand(INGEST));
  });

  it("builds in stages on Node 22 and ships production dependencies only", () => {
    const stages = instruction("FROM");
    expect(stages.length).to.be.at.least(2);
    for (const s of stages) expect(s).to.match(/^node:22-/);
    expect(instruction("RUN").some((r) => r.includes("npm ci --omit=dev"))).to.equal(true);
    expect(instruction("COPY").filter((c) => c.includes("node_modules"))).to.deep.equal([
      "--from=dependencies --chown=root:root /app/node_modules ./node_modules",
    ]);
  });

  it("runs as a non-root user", () => {
    const users = instruction("USER");
    expect(users.at(-1)).to.equal("node");
  });

  it("copies the files every service entry point needs", () => {
    expect(instruction("COPY")).to.include("--from=build --chown=root:root /app/dist/runtime ./dist/runtime");
    for (const [, entry] of [serviceCommand(INGEST), healthCheckCommand(INGEST)]) {
      expect(entry.startsWith("dist/runtime/")).to.equal(true);
    }
  });

  it("keeps the build context small: .dockerignore leaves out node_modules, tests and infra", () => {
    const ignored = readFileSync(path.join(ROOT, ".dockerignore"), "utf8").split("\n");
    for (const p of ["node_modules", "dist", "tests", "infra", ".git"]) expect(ignored).to.include(p);
  });
});
