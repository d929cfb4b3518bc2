import { spawnSync } from "node:child_process";

import { expect } from "chai";

import { isRunning } from "../../../runtime/local/process-alive";

describe("isRunning (a process id in the stack file, or another stack's)", () => {
  it("is true for a running process", () => expect(isRunning(process.pid)).to.equal(true));

  it("is false for a process that has exited", () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    expect(isRunning(gone)).to.equal(false);
  });

  it("is false for what is not a process id (a stack file written by hand)", () => {
    expect(isRunning("1234")).to.equal(false);
    expect(isRunning(undefined)).to.equal(false);
  });
});
