import { spawn } from "node:child_process";
import path from "node:path";
import { callTraceEnv } from "../common/aws/call-trace";

/** How a child process ended: an exit code, or the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process of the local stack (an emulator today; producer and consumers later). */
export interface GuardedChild {
  name: string;
  pid: number;
  /** Resolves once the process has exited and been reaped, for whatever reason. */
  exited: Promise<ChildExit>;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. Idempotent. */
  stop(): Promise<void>;
  /** The last few KB of its stdout and stderr, for error messages. */
  recentOutput(): string;
  /** Calls `listener` with every whole line the child writes to stdout from now on (its EMF metrics). */
  onStdoutLine(listener: (line: string) => void): void;
}

export interface GuardedChildOptions {
  name: string;
  /** A plain JavaScript file run with this same node binary. */
  script: string;
  args?: readonly string[];
  cwd: string;
  /** The child's whole environment: it is not merged with ours (see emulators.ts for why). */
  env: NodeJS.ProcessEnv;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

const GUARD = path.join(__dirname, "child-guard.js");
const OUTPUT_TAIL_CHARS = 4000;

/** Starts `script` as a child that cannot outlive this process (see child-guard.js). */
export function spawnGuarded(options: GuardedChildOptions): GuardedChild {
  const child = spawn(process.execPath, ["--require", GUARD, options.script, ...(options.args ?? [])], {
    cwd: options.cwd,
    // The tests' AWS call trace (only they set it) reaches every child, whose calls it records.
    env: { ...options.env, ...callTraceEnv() },
    // stdin: the guard's lifeline. stdout/stderr: kept (tail only) for error messages.
    stdio: ["pipe", "pipe", "pipe"],
    // Own process group: a terminal Ctrl-C goes to the stack alone, which stops children in order.
    detached: true,
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${options.name}: no process id (spawn failed)`);
  }
  const pid = child.pid;

  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const lineListeners: ((line: string) => void)[] = [];
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => {
    if (lineListeners.length === 0) return;
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) for (const listener of lineListeners) listener(line);
  });
  // An EPIPE on the lifeline after the child died is expected; do not let it crash the stack.
  child.stdin.on("error", () => undefined);

  let exit: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => resolve((exit = { code, signal })));
    // 'exit' may never come when the process failed to start; the error is all we get then.
    let spawned = false;
    child.once("spawn", () => (spawned = true));
    child.on("error", (error) => {
      keep(Buffer.from(`\n${error.message}\n`));
      if (!spawned) resolve((exit = { code: null, signal: null }));
    });
  });

  // Signal the whole group, so anything the child started goes too.
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: already gone.
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (exit === undefined) {
        signalGroup("SIGTERM");
        if (!(await endsWithin(exited, options.stopGraceMs ?? 2000))) {
          signalGroup("SIGKILL");
          await exited;
        }
      }
      child.stdin.destroy();
    })());

  return {
    name: options.name,
    pid,
    exited,
    stop,
    recentOutput: () => output,
    onStdoutLine: (listener) => lineListeners.push(listener),
  };
}

/** True if `promise` settles within `ms`. */
async function endsWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
