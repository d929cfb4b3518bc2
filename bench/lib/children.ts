/**
 * The processes a benchmark starts, as guarded children (runtime/local/guarded-child.ts:
 * the supervisor the local stack and the tests use too): plain node, in their own process
 * group, stopped by `stop()`, on Ctrl-C or a failure (cleanup.ts), or by the lifeline guard
 * if this process dies however it dies. Their environment is theirs alone besides PATH:
 * nothing leaks in from the caller's shell.
 *
 * Two kinds: servers under load (their stdout handed over line by line: the ingest service
 * reports its counters there as EMF), and children that talk to the benchmark over the IPC
 * channel (the processing worker through its bench processor, the bare reader, the
 * producer, the in-memory runs, the load generator), whose stdout and stderr go to a file
 * so that a worker logging a line per record never waits for this process to read them.
 */
import { waitUntilReady } from "../../runtime/local/child-ready";
import { GuardedChild, spawnGuarded, withLastOutput } from "../../runtime/local/guarded-child";
import { onExit } from "./cleanup";
import { cpuSecondsOf } from "./cpu";

/** What the bench's own children send: a type and whatever fields it has (see each child's header). */
export type Message = { type: string; [field: string]: unknown };

export type BenchChild = GuardedChild<Message>;

export interface BenchChildOptions {
  name: string;
  /**
   * A plain JavaScript file, run without ts-node as production runs the service (ts-node
   * would load node:repl and node:domain into the process under test).
   */
  script: string;
  args?: string[];
  /** The child's whole environment besides PATH. */
  env: Record<string, string>;
  /** SIGTERM first (a worker checkpoints and releases its leases, ingest drains), SIGKILL after this. */
  stopGraceMs?: number;
}

/** Room for a draining service or a worker releasing its leases before SIGKILL. */
const STOP_GRACE_MS = 10_000;

function start(options: BenchChildOptions, kind: { ipc: boolean }): BenchChild {
  const child = spawnGuarded<Message>({
    name: options.name,
    script: options.script,
    args: options.args,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stopGraceMs: options.stopGraceMs ?? STOP_GRACE_MS,
    ipc: kind.ipc,
    output: kind.ipc ? "file" : "pipe",
  });
  const forget = onExit(() => child.stop());
  void child.exited.then(forget);
  return child;
}

/** A child that talks to the benchmark over the IPC channel. */
export function startIpcChild(options: BenchChildOptions): BenchChild {
  return start(options, { ipc: true });
}

export interface ServerChild {
  name: string;
  pid: number;
  url: string;
  /** Lines the server printed on stdout (for EMF), kept whole. */
  lines: string[];
  /** CPU seconds the process has used so far (user + system), or NaN off Linux. */
  cpuSeconds(): number;
  /** SIGTERM first: the ingest service drains and prints its last metrics on it. */
  stop(): Promise<void>;
}

/** A server on `port`, ready once GET `readyPath` answers 2xx (within 30 s). */
export async function startServerChild(
  options: BenchChildOptions & { port: number; readyPath: string },
): Promise<ServerChild> {
  const child = start(options, { ipc: false });
  const lines: string[] = [];
  child.onStdoutLine((line) => lines.push(line));
  const url = `http://127.0.0.1:${options.port}`;
  await waitUntilReady(
    child,
    async (signal) => {
      const res = await fetch(`${url}${options.readyPath}`, { signal });
      if (!res.ok) throw new Error(`answered ${res.status}`);
    },
    {
      what: `${options.name} (pid ${child.pid}) to answer GET ${options.readyPath} at ${url}`,
      timeoutMs: 30_000,
      intervalMs: 100,
    },
  );
  return {
    name: options.name,
    pid: child.pid,
    url,
    lines,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    stop: async () => void (await child.stop()),
  };
}

/** The first message `accept` takes; a failure carries the child's last output. */
export async function waitFor(
  child: BenchChild,
  accept: (message: Message) => boolean,
  timeoutMs: number,
  what: string,
): Promise<Message> {
  try {
    return await child.waitForMessage(accept, { timeoutMs, what: `${what} from ${child.name}` });
  } catch (error) {
    throw new Error(withLastOutput(child, (error as Error).message), { cause: error });
  }
}

/** `kill -9` of the process alone: no shutdown, no checkpoint, no release. */
export async function killHard(child: BenchChild): Promise<void> {
  child.kill("SIGKILL");
  await child.exited;
}
