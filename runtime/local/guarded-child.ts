/**
 * The one process supervisor: every child process the local stack, the tests and the
 * benchmarks start is a guarded child. It runs a script with this node binary, preloaded
 * with the guard (child-guard.js: it dies with its parent), in a process group of its own;
 * keeps the end of what it prints; reports how it ended; stops it within a bound (SIGTERM,
 * then SIGKILL after a grace period); and, when asked, opens Node's IPC channel, over which
 * the child reports what its parent acts on (child-messages.ts). Stdout stays for logs and
 * EMF.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { callTraceEnv } from "../common/aws/call-trace";
import { REPO_ROOT } from "../common/repo-root";
import { KeptOutput, OUTPUT_TAIL_CHARS } from "./child-output";

/** How a child process ended: an exit code, or the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Where a child's stdout and stderr go. "pipe": read as written, kept (the end of each) and
 * handed out line by line. "file": an unlinked temporary file, so that a child printing a
 * line per record never waits for this process to read it (a pipe is synchronous on Linux);
 * only its tail is read back, for error messages.
 */
export type ChildOutput = "pipe" | "file";

export interface GuardedChildOptions {
  /** Names the child in every message: "ingest", "worker w1". */
  name: string;
  /** A JavaScript file run with this same node binary. */
  script: string;
  args?: readonly string[];
  /** Node's own options before the script, e.g. ts-node's hook; none by default (plain node, as in the container). */
  execArgv?: readonly string[];
  /** The repository root unless set. */
  cwd?: string;
  /** The child's whole environment: it is not merged with ours (see emulators.ts for why). */
  env: NodeJS.ProcessEnv;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
  /** "pipe" unless set. */
  output?: ChildOutput;
  /** Characters kept of stdout and of stderr each ("pipe" only): the end, for messages and tests. */
  keepOutputChars?: number;
  /** Opens the IPC channel: what the child sends with process.send arrives in `messages()`. */
  ipc?: boolean;
}

export interface WaitOptions {
  /** What the parent waits for, for the error: "the replay to start". */
  what: string;
  timeoutMs: number;
  /** Aborts the wait; the abort reason is thrown. */
  signal?: AbortSignal;
}

/** A running (or ended) child; `M` is what it sends over the IPC channel. */
export interface GuardedChild<M = unknown> {
  name: string;
  pid: number;
  /** Resolves once the process has exited and its output is read to the end, for whatever reason. */
  exited: Promise<ChildExit>;
  /** The exit, once it came. */
  exit(): ChildExit | undefined;
  /** SIGTERM to its group, SIGKILL after the grace period; resolves with the exit. Idempotent. */
  stop(): Promise<ChildExit>;
  /** Sends `signal` to the process alone (SIGKILL: a crash, no shutdown). */
  kill(signal: NodeJS.Signals): void;
  /** The last few KB of its stdout and stderr together, for error messages. */
  recentOutput(): string;
  /** What it wrote to stdout, or to stderr, as far as kept ("pipe" only). */
  stdout(): string;
  stderr(): string;
  /** Calls `listener` with every whole line the child writes to stdout from now on ("pipe" only). */
  onStdoutLine(listener: (line: string) => void): void;
  /** Every message received over the IPC channel so far, in order. */
  messages(): readonly M[];
  /** Sends a message to the child, if its IPC channel is open. */
  send(message: unknown): void;
  /**
   * The first message (received already, or to come) that `accept` takes; fails when the
   * child exits first, after `timeoutMs`, or on the abort signal.
   */
  waitForMessage<T extends M>(accept: (message: M) => message is T, options: WaitOptions): Promise<T>;
  waitForMessage(accept: (message: M) => boolean, options: WaitOptions): Promise<M>;
}

const GUARD = path.join(__dirname, "child-guard.js");
const DEFAULT_STOP_GRACE_MS = 2000;
/**
 * After its exit, how long the output may still take to end: a descendant that inherited
 * the pipes could hold them open for ever, and `exited` must not wait for it.
 */
const OUTPUT_END_BOUND_MS = 1000;

/** Starts `script` as a child that cannot outlive this process (see child-guard.js). */
export function spawnGuarded<M = unknown>(options: GuardedChildOptions): GuardedChild<M> {
  const toFile = options.output === "file";
  let fd: number | undefined;
  if (toFile) {
    const file = path.join(tmpdir(), `${options.name.replace(/\W+/g, "-")}-${process.pid}-${Date.now()}.log`);
    fd = openSync(file, "w+");
    // Unlinked while open: nothing is left behind, even after a kill -9 of both processes.
    unlinkSync(file);
  }
  const out = fd ?? "pipe";
  const child = spawn(
    process.execPath,
    [...(options.execArgv ?? []), "--require", GUARD, options.script, ...(options.args ?? [])],
    {
      cwd: options.cwd ?? REPO_ROOT,
      // The tests' AWS call trace (only they set it) reaches every child, whose calls it records.
      env: { ...options.env, ...callTraceEnv() },
      // stdin: the guard's lifeline; then stdout, stderr, and the IPC channel when asked for.
      stdio: options.ipc ? ["pipe", out, out, "ipc"] : ["pipe", out, out],
      // Own process group: a terminal Ctrl-C goes to the parent alone, which stops children in order.
      detached: true,
    },
  );
  if (child.pid === undefined) {
    if (fd !== undefined) closeSync(fd);
    throw new Error(`could not start ${options.name}: no process id (spawn failed)`);
  }
  const pid = child.pid;
  const output = new KeptOutput(options.keepOutputChars ?? OUTPUT_TAIL_CHARS, fd);
  child.stdout?.on("data", (chunk: Buffer) => output.add("stdout", chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.add("stderr", chunk));
  // An EPIPE on the lifeline after the child died is expected; do not let it crash the parent.
  child.stdin!.on("error", () => undefined);

  const messages: M[] = [];
  const messageListeners = new Set<(message: M) => void>();
  child.on("message", (message: M) => {
    messages.push(message);
    for (const listener of messageListeners) listener(message);
  });

  let exit: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    let ended: ChildExit | undefined;
    const end = () => resolve((exit = ended!));
    // "close": the output is read to its end (the metrics written at shutdown); "disconnect":
    // so is the IPC channel (the last message, sent right before exiting).
    let open = options.ipc ? 2 : 1;
    const oneClosed = () => {
      if (--open === 0 && ended !== undefined) end();
    };
    child.once("exit", (code, signal) => {
      ended = { code, signal };
      if (open === 0) end();
      else setTimeout(end, OUTPUT_END_BOUND_MS).unref();
    });
    child.once("close", (code, signal) => {
      ended ??= { code, signal };
      oneClosed();
    });
    if (options.ipc) child.once("disconnect", oneClosed);
    // 'exit' may never come when the process failed to start; the error is all we get then.
    let spawned = false;
    child.once("spawn", () => (spawned = true));
    child.on("error", (error) => {
      output.add("stderr", Buffer.from(`\n${error.message}\n`));
      if (!spawned) {
        ended = { code: null, signal: null };
        end();
      }
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
  const release = () => {
    child.stdin!.destroy();
    if (child.connected) child.disconnect();
    output.close();
  };
  void exited.then(release);

  let stopping: Promise<ChildExit> | undefined;
  const stop = (): Promise<ChildExit> =>
    (stopping ??= (async () => {
      if (exit === undefined) {
        signalGroup("SIGTERM");
        if (!(await endsWithin(exited, options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS))) signalGroup("SIGKILL");
      }
      return exited;
    })());

  const waitForMessage = (accept: (message: M) => boolean, wait: WaitOptions): Promise<M> =>
    new Promise<M>((resolve, reject) => {
      const found = messages.find(accept);
      if (found !== undefined) return resolve(found);
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        messageListeners.delete(listener);
        wait.signal?.removeEventListener("abort", onAbort);
        settle();
      };
      const listener = (message: M) => {
        if (accept(message)) finish(() => resolve(message));
      };
      const onAbort = () => finish(() => reject(wait.signal!.reason));
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out after ${wait.timeoutMs / 1000} s waiting for ${wait.what}`))),
        wait.timeoutMs,
      );
      if (wait.signal?.aborted) return onAbort();
      wait.signal?.addEventListener("abort", onAbort, { once: true });
      messageListeners.add(listener);
      // Messages come before the exit is reported: once it is, none is still to come.
      void exited.then((ended) =>
        finish(() => reject(new Error(`${options.name} (pid ${pid}) ${describeExit(ended)} before ${wait.what}`))),
      );
    });

  return {
    name: options.name,
    pid,
    exited,
    exit: () => exit,
    stop,
    kill: (signal) => {
      if (exit === undefined) child.kill(signal);
    },
    recentOutput: () => output.tail(),
    stdout: () => output.kept("stdout"),
    stderr: () => output.kept("stderr"),
    onStdoutLine: (listener) => output.onLine(listener),
    messages: () => messages,
    send: (message) => {
      if (child.connected) child.send(message as object);
    },
    waitForMessage: waitForMessage as GuardedChild<M>["waitForMessage"],
  };
}

/** "exited with code 3", "was killed by SIGKILL". */
export function describeExit(exit: ChildExit): string {
  return exit.signal === null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
}

/** `message`, followed by the child's last output when it printed any: usually the real reason. */
export function withLastOutput(child: Pick<GuardedChild, "name" | "recentOutput">, message: string): string {
  const output = child.recentOutput().trim();
  return output === "" ? message : `${message}\n--- last output of ${child.name} ---\n${output}`;
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
