/**
 * A server under test as a child process: its own node process (as in production, where
 * the load comes from elsewhere), on a random free port, stopped by `stop()`, on Ctrl-C
 * (cleanup.ts), or by the lifeline guard if this process dies. Unlike the local stack's
 * guarded children, its stdout is handed over line by line: the ingest service reports its
 * counters there (EMF), and the benchmark reads them.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { pollUntil } from "../../runtime/local/poll-until";
import { onExit } from "./cleanup";
import { cpuSecondsOf } from "./cpu";
import { REPO_ROOT } from "../../runtime/common/repo-root";

const GUARD = path.join(REPO_ROOT, "runtime", "local", "child-guard.js");

export interface ServerChild {
  name: string;
  pid: number;
  url: string;
  /** Lines the child printed on stdout (for EMF), kept whole. */
  lines: string[];
  /** CPU seconds the process has used so far (user + system), or NaN off Linux. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface ChildOptions {
  name: string;
  /**
   * A plain JavaScript file, run without ts-node as production runs the service (ts-node
   * would load node:repl and node:domain into the process under test).
   */
  script: string;
  port: number;
  /** The child's whole environment besides PATH: nothing leaks in from the caller's shell. */
  env: Record<string, string>;
  /** GET path that answers 2xx once the server is ready. */
  readyPath: string;
}

export async function startServerChild(options: ChildOptions): Promise<ServerChild> {
  const child = spawn(process.execPath, ["--require", GUARD, options.script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    // stdin: the guard's lifeline; stdout: EMF lines; stderr: kept for error messages.
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  const pid = child.pid;
  const lines: string[] = [];
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4000)));
  child.stdin.on("error", () => undefined);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exit.then(() => (exited = true));

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      forget();
      if (!exited) {
        // SIGTERM first: the ingest service drains and prints its last metrics on it.
        kill(pid, "SIGTERM");
        const gone = await Promise.race([exit.then(() => true), sleep(10_000).then(() => false)]);
        if (!gone) {
          kill(pid, "SIGKILL");
          await exit;
        }
      }
      child.stdin.destroy();
    })());
  const forget = onExit(stop);

  const url = `http://127.0.0.1:${options.port}`;
  try {
    await pollUntil(
      async (signal) => {
        const res = await fetch(`${url}${options.readyPath}`, { signal });
        if (!res.ok) throw new Error(`answered ${res.status}`);
      },
      {
        what: `${options.name} (pid ${pid}) to answer GET ${options.readyPath} at ${url}`,
        timeoutMs: 30_000,
        intervalMs: 100,
        hopeless: () => (exited ? `it exited:\n${stderr}` : undefined),
      },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { name: options.name, pid, url, lines, cpuSeconds: () => cpuSecondsOf(pid), stop };
}

/** Signals the child's process group (it is detached), so nothing it started lives on. */
function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
