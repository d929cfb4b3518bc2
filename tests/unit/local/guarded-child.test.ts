import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import {
  describeExit,
  GuardedChild,
  GuardedChildOptions,
  spawnGuarded,
  withLastOutput,
} from "../../../runtime/local/guarded-child";
import { eventually } from "../../harness/eventually";

/** Small stand-ins for an emulator or a service: plain node scripts that run until told otherwise. */
const SCRIPTS = {
  server: "setInterval(() => undefined, 1000);",
  stubborn:
    "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); setInterval(() => undefined, 1000); console.log('up');",
  crash: "console.error('cannot bind: EADDRINUSE'); process.exit(3);",
  // Reports over the IPC channel, answers what it is sent, and says goodbye on SIGTERM.
  talker: [
    "process.send({ type: 'started', what: 'talking' });",
    "process.on('message', (m) => process.send({ type: 'echo', of: m }));",
    "process.on('SIGTERM', () => { console.log('last words'); process.send({ type: 'bye' }, () => process.exit(0)); });",
    "setInterval(() => undefined, 1000);",
  ].join("\n"),
  // A line per record, far more than a pipe holds, then a last line.
  chatty:
    "for (let i = 0; i < 20000; i++) console.log('record ' + i); console.error('done'); setInterval(() => undefined, 1000);",
};

/** The error `promise` rejects with; fails the test when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
  if ("value" in outcome) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

describe("guarded child processes (the supervisor of every child process)", () => {
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

  function start(
    script: keyof typeof SCRIPTS,
    stopGraceMs?: number,
    options: Partial<GuardedChildOptions> = {},
  ): GuardedChild<{ type: string; [field: string]: unknown }> {
    const child = spawnGuarded<{ type: string; [field: string]: unknown }>({
      name: script,
      script: path.join(dir, `${script}.js`),
      cwd: dir,
      env: {},
      stopGraceMs,
      ...options,
    });
    started.push(child);
    return child;
  }

  it("stop() ends a child with SIGTERM and resolves with its exit; a second stop() is a no-op", async () => {
    const child = start("server");
    expect(await child.stop()).to.deep.equal({ code: null, signal: "SIGTERM" });
    expect(await child.exited).to.deep.equal({ code: null, signal: "SIGTERM" });
    expect(child.exit()).to.deep.equal({ code: null, signal: "SIGTERM" });
    expect(await child.stop()).to.deep.equal({ code: null, signal: "SIGTERM" });
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

  it("carries messages both ways over the IPC channel, and reads the output to its end before reporting the exit", async () => {
    const child = start("talker", 5000, { ipc: true });
    const started = await child.waitForMessage((m) => m.type === "started", { what: "its start", timeoutMs: 5000 });
    expect(started).to.deep.equal({ type: "started", what: "talking" });
    child.send({ type: "ping" });
    const echo = await child.waitForMessage((m) => m.type === "echo", { what: "an echo", timeoutMs: 5000 });
    expect(echo).to.deep.equal({ type: "echo", of: { type: "ping" } });
    expect(await child.stop()).to.deep.equal({ code: 0, signal: null });
    expect(child.messages().map((m) => m.type)).to.deep.equal(["started", "echo", "bye"]);
    expect(child.stdout()).to.equal("last words\n");
  });

  it("fails a wait for a message once the child exits without it, saying how it ended", async () => {
    const child = start("crash", undefined, { ipc: true });
    const waited = child.waitForMessage(() => true, { what: "a message that never comes", timeoutMs: 5000 });
    expect((await failureOf(waited)).message).to.match(
      /^crash \(pid \d+\) exited with code 3 before a message that never comes$/,
    );
  });

  it("fails a wait for a message after its time, with the child still running", async () => {
    const child = start("server", undefined, { ipc: true });
    const began = Date.now();
    const waited = child.waitForMessage(() => true, { what: "a word", timeoutMs: 200 });
    expect((await failureOf(waited)).message).to.equal("timed out after 0.2 s waiting for a word");
    expect(Date.now() - began).to.be.below(2000);
    expect(child.exit()).to.equal(undefined);
  });

  it("writes a chatty child's output to a file without ever blocking it, and reads back its tail", async () => {
    const child = start("chatty", undefined, { output: "file" });
    await eventually(() => child.recentOutput().includes("done"), {
      what: "the child to finish writing",
      timeoutMs: 10_000,
      intervalMs: 50,
      details: () => `output so far: ${child.recentOutput().slice(-200)}`,
    });
    expect(child.recentOutput()).to.include("record 19999\n").and.not.include("record 0\n");
    await child.stop();
    // Kept once the file is closed.
    expect(child.recentOutput()).to.include("done");
  });

  it("kill() signals the child alone, and a failure message carries its last output", async () => {
    const child = start("stubborn", 10_000);
    await eventually(() => child.recentOutput().includes("up"), { what: "up", timeoutMs: 5000, intervalMs: 20 });
    child.kill("SIGKILL");
    expect(await child.exited).to.deep.equal({ code: null, signal: "SIGKILL" });
    expect(describeExit(await child.exited)).to.equal("was killed by SIGKILL");
    expect(withLastOutput(child, "it failed")).to.equal("it failed\n--- last output of stubborn ---\nup");
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
