/**
 * A plain-node child process that talks to the benchmark over an IPC channel: the
 * processing worker (dist/runtime/processing/main.js, whose bench processor module reports
 * through it), the bare reader, the producer and the in-memory runs. Like child.ts, it runs
 * in its own process group with the lifeline guard (runtime/local/child-guard.js), so it
 * is stopped by `stop()`, on Ctrl-C (cleanup.ts), or when this process dies however it
 * dies. Its stdout and stderr go to a file, not a pipe: a worker logging a line per record
 * must never wait for this process to read them, and the file's tail explains a failure.
 * The file is unlinked as soon as it is open, so nothing is left behind even after a kill -9.
 */
import { spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onExit } from "./cleanup";
import { cpuSecondsOf } from "./cpu";
import { REPO_ROOT } from "../../runtime/common/repo-root";

const GUARD = path.join(REPO_ROOT, "runtime", "local", "child-guard.js");

export type Message = { type: string; [field: string]: unknown };

export interface IpcChild {
  name: string;
  pid: number;
  /** Every message received so far, in order. */
  messages: Message[];
  /** Resolves with the first message (already received or to come) that `accept` takes. */
  waitFor(accept: (m: Message) => boolean, timeoutMs: number, what: string): Promise<Message>;
  send(message: Message): void;
  /** CPU seconds the process has used so far (user + system), from /proc. */
  cpuSeconds(): number;
  running(): boolean;
  /** The end of what it printed, for error messages. */
  output(): string;
  /** SIGTERM (the worker checkpoints and releases its leases), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** `kill -9` of the process alone: no shutdown, no checkpoint, no release. */
  killHard(): Promise<void>;
}

export interface IpcChildOptions {
  name: string;
  script: string;
  args?: string[];
  /** The child's whole environment besides PATH: nothing leaks in from the caller's shell. */
  env: Record<string, string>;
}

export function startIpcChild(options: IpcChildOptions): IpcChild {
  const logFile = path.join(tmpdir(), `bench-${options.name.replace(/\W+/g, "-")}-${process.pid}-${Date.now()}.log`);
  const fd = openSync(logFile, "w+");
  unlinkSync(logFile);
  const child = spawn(process.execPath, ["--require", GUARD, options.script, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    // stdin: the guard's lifeline; stdout and stderr: the log file; then the IPC channel.
    stdio: ["pipe", fd, fd, "ipc"],
    detached: true,
  });
  if (child.pid === undefined) {
    closeSync(fd);
    throw new Error(`could not start ${options.name}`);
  }
  const pid = child.pid;
  child.stdin!.on("error", () => undefined);
  child.on("error", () => undefined);

  const messages: Message[] = [];
  const waiters = new Set<(m: Message) => void>();
  child.on("message", (m: Message) => {
    messages.push(m);
    waiters.forEach((w) => w(m));
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exit.then(() => {
    exited = true;
    waiters.forEach((w) => w({ type: "exit" }));
  });

  let closed = false;
  const output = () => {
    if (closed) return "";
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 4000));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail.toString("utf8");
  };

  const waitFor = (accept: (m: Message) => boolean, timeoutMs: number, what: string) =>
    new Promise<Message>((resolve, reject) => {
      const found = messages.find(accept);
      if (found) return resolve(found);
      const done = (fn: () => void) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        fn();
      };
      const waiter = (m: Message) => {
        if (accept(m)) done(() => resolve(m));
        else if (m.type === "exit")
          done(() => reject(new Error(`${options.name} exited while waiting for ${what}:\n${output()}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} from ${options.name}`))),
        timeoutMs,
      );
      if (exited) return waiter({ type: "exit" });
      waiters.add(waiter);
    });

  const signal = (sig: NodeJS.Signals, group: boolean) => {
    try {
      process.kill(group ? -pid : pid, sig);
    } catch {
      // ESRCH: already gone.
    }
  };
  let stopping: Promise<void> | undefined;
  const finish = () => {
    child.stdin!.destroy();
    if (child.connected) child.disconnect();
    if (!closed) closeSync(fd);
    closed = true;
  };
  const stop = (graceMs = 10_000) =>
    (stopping ??= (async () => {
      forget();
      if (!exited) {
        signal("SIGTERM", true);
        const gone = await Promise.race([exit.then(() => true), sleep(graceMs).then(() => false)]);
        if (!gone) {
          signal("SIGKILL", true);
          await exit;
        }
      }
      finish();
    })());
  const killHard = () =>
    (stopping ??= (async () => {
      forget();
      signal("SIGKILL", false);
      await exit;
      finish();
    })());
  const forget = onExit(() => stop(2_000));

  return {
    name: options.name,
    pid,
    messages,
    waitFor,
    send: (m) => {
      if (child.connected) child.send(m);
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    running: () => !exited,
    output,
    stop,
    killHard,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
