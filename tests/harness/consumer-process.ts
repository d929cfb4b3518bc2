/**
 * One processing worker as a child process, started the way the container starts it: this
 * node binary running the compiled entry point, configured only by environment variables.
 * Tests stop it with a signal or kill it outright, and read its exit and its JSON logs.
 */
import { ChildProcess, spawn } from "node:child_process";

import { builtEntrypoint } from "./built";

export interface ConsumerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What every worker of a test needs; a test adds or overrides the rest (see runtime/consumer/settings.ts). */
export interface ConsumerSettings {
  STREAM_NAME: string;
  APPLICATION_NAME: string;
  WORKER_ID: string;
  KINESIS_ENDPOINT: string;
  DYNAMODB_ENDPOINT: string;
  [variable: string]: string;
}

/** A pino log line of the worker. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** pino's numbers for the levels the tests look for. */
export const LOG_LEVELS = { info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** Output beyond this is dropped (oldest first), so a chatty worker cannot exhaust the test's memory. */
const OUTPUT_LIMIT_CHARS = 8 * 1024 * 1024;

export class ConsumerProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<ConsumerExit>;
  private exit?: ConsumerExit;

  private constructor(
    private readonly child: ChildProcess,
    readonly workerId: string,
  ) {
    child.stdout!.on(
      "data",
      (chunk: Buffer) => (this.stdout = (this.stdout + chunk.toString()).slice(-OUTPUT_LIMIT_CHARS)),
    );
    child.stderr!.on(
      "data",
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-OUTPUT_LIMIT_CHARS)),
    );
    // "close", not "exit": by then stdout is read to its end (the metrics written at shutdown).
    this.exited = new Promise((resolve) =>
      child.once("close", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /**
   * Starts a worker. It has no readiness endpoint: a test waits for what it needs (leases in
   * the table, processed records), and `running` tells whether it died on the way.
   */
  static start(settings: ConsumerSettings): ConsumerProcess {
    // A clean environment, as on Fargate: nothing of the test runner's shell leaks in.
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      LOG_LEVEL: "warn",
      METRICS_INTERVAL_MS: "3600000",
      ...settings,
    };
    const child = spawn(process.execPath, [builtEntrypoint("processing")], { env, stdio: ["ignore", "pipe", "pipe"] });
    return new ConsumerProcess(child, settings.WORKER_ID);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Sends `signal` and waits for the exit; past `timeoutMs` the worker is killed and this throws. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<ConsumerExit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    return this.exitWithin(timeoutMs);
  }

  /** `kill -9`: no shutdown, no checkpoint, no release. Resolves once the process is gone. */
  async killHard(): Promise<ConsumerExit> {
    if (this.exit) return this.exit;
    this.child.kill("SIGKILL");
    return this.exited;
  }

  /** The exit, if it comes within `timeoutMs`; otherwise SIGKILL and a failure showing the output. */
  async exitWithin(timeoutMs: number): Promise<ConsumerExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (outcome !== "timeout") return outcome;
    this.kill();
    throw new Error(`worker ${this.workerId} did not exit within ${timeoutMs} ms\n${this.output()}`);
  }

  /** Last-resort cleanup after a failed test. */
  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }

  /** The pino log lines of stdout (EMF metric documents are left out). */
  logLines(): LogLine[] {
    return this.jsonLines().filter(
      (doc): doc is LogLine => typeof doc.level === "number" && typeof doc.msg === "string",
    );
  }

  /** Log lines at `level` or above. */
  logsAtLeast(level: number): LogLine[] {
    return this.logLines().filter((line) => line.level >= level);
  }

  /** The sum of one EMF metric over every document written so far (a worker writes one at shutdown). */
  metricTotal(name: string): number {
    return this.jsonLines()
      .filter((doc) => doc._aws !== undefined)
      .reduce((sum, doc) => sum + (typeof doc[name] === "number" ? (doc[name] as number) : 0), 0);
  }

  /**
   * Every complete JSON line of stdout: pino log lines and EMF documents. The line being
   * written is left out, and so is the first when the output limit cut it.
   */
  private jsonLines(): Record<string, unknown>[] {
    const lines = this.stdout.split("\n").slice(0, -1);
    if (this.stdout.length >= OUTPUT_LIMIT_CHARS) lines.shift();
    return lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  output(): string {
    return (
      `--- worker ${this.workerId} stdout ---\n${this.stdout.slice(-4000)}\n` +
      `--- worker ${this.workerId} stderr ---\n${this.stderr.slice(-4000)}`
    );
  }
}
