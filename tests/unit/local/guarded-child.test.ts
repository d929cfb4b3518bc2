import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { GuardedChild, spawnGuarded } from "../../../runtime/local/guarded-child";
import { eventually } from "../../harness/eventually";

/** Small stand-ins for an emulator: plain node scripts that run until told otherwise. */
const SCRIPTS = {
  server: "setInterval(() => undefined, 1000);",
  stubborn:
    "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); setInterval(() => undefined, 1000); console.log('up');",
  crash: "console.error('cannot bind: EADDRINUSE'); process.exit(3);",
};

describe("guarded child processes", () => {
  let dir: string;
  const started: GuardedChild[] = [];

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "guarded-child-test-"));
    for (const [name, source] of Object.entries(SCRIPTS)) await fs.writeFile(path.join(dir, `${name}.js`), source);
  });

  after(async () => {
    await Promise.all(started.map((child) => child.stop()));
    await fs.rm(dir, { recursive: true, force: true });
  });

  function start(script: keyof typeof SCRIPTS, stopGraceMs?: number): GuardedChild {
    const child = spawnGuarded({
      name: script,
      script: path.join(dir, `${script}.js`),
      cwd: dir,
      env: {},
      stopGraceMs,
    });
    started.push(child);
    return child;
  }

  it("stop() ends a child with SIGTERM, and a second stop() is a no-op", async () => {
    const child = start("server");
    await child.stop();
    expect(await child.exited).to.deep.equal({ code: null, signal: "SIGTERM" });
    await child.stop();
  });

  it("stop() falls back to SIGKILL when SIGTERM is ignored", async () => {
    const child = start("stubborn", 300);
    await eventually(() => child.recentOutput().includes("up"), {
      what: "the child to print up",
      timeoutMs: 5000,
      intervalMs: 20,
      details: () => `output so far: ${child.recentOutput()}`,
    });
    const stoppedAt = Date.now();
    await child.stop();
    expect(await child.exited).to.deep.equal({ code: null, signal: "SIGKILL" });
    expect(Date.now() - stoppedAt).to.be.within(250, 2000);
  });

  it("keeps the tail of what a crashing child printed", async () => {
    const child = start("crash");
    expect(await child.exited).to.deep.equal({ code: 3, signal: null });
    expect(child.recentOutput()).to.include("EADDRINUSE");
  });

  it("the child exits by itself when its parent goes away (its stdin closes)", async () => {
    // Simulate a parent killed with SIGKILL: only the stdin pipe closes, no signal is sent.
    const child = spawn(
      process.execPath,
      ["--require", path.join(__dirname, "../../../runtime/local/child-guard.js"), path.join(dir, "server.js")],
      {
        stdio: ["pipe", "ignore", "ignore"],
      },
    );
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    child.stdin.end();
    expect(await exited).to.deep.equal({ code: 0, signal: null });
  });
});
