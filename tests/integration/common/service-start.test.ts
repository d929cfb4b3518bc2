import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { builtEntrypoint } from "../../harness/built";

/** Runs a compiled service with only these variables; none of these runs reaches the network. */
function run(service: "ingest" | "processing", env: Record<string, string>) {
  const result = spawnSync(process.execPath, [builtEntrypoint(service)], {
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { code: result.status, signal: result.signal, stderr: result.stderr };
}

describe("services refusing to start (runtime/common/service-lifecycle.ts)", function () {
  this.timeout(60_000);

  it("ingest: a bad setting exits 2 with the variable, its value and what is allowed", () => {
    const exit = run("ingest", { STREAM_NAME: "s", AWS_REGION: "us-east-1", ACK_MODE: "sometimes" });
    expect(exit.code, exit.stderr).to.equal(2);
    expect(exit.stderr).to.match(/^ingest: /);
    expect(exit.stderr).to.contain("ACK_MODE").and.contain("sometimes").and.contain("durable");
  });

  it("processing: a missing required setting exits 2 naming it", () => {
    const exit = run("processing", { AWS_REGION: "us-east-1", APPLICATION_NAME: "app" });
    expect(exit.code, exit.stderr).to.equal(2);
    expect(exit.stderr).to.match(/^processing: /);
    expect(exit.stderr).to.contain("STREAM_NAME");
  });
});
