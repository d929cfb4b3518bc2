/**
 * One ingest service as a child process, started the way the container starts it: this
 * node binary running the compiled entry point, configured only by environment variables.
 * Tests read its output (pino logs and EMF metrics share stdout), its memory and its exit.
 */
import { ChildProcess, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import http from "node:http";

import { freePort } from "../../runtime/local/ports";
import { pollUntil } from "../../runtime/local/poll-until";
import { builtEntrypoint } from "./built";

export interface IngestExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Everything the tests always set; a test adds or overrides the rest (see settings.ts). */
export interface IngestSettings {
  STREAM_NAME: string;
  KINESIS_ENDPOINT: string;
  [variable: string]: string;
}

/** Output beyond this is dropped (oldest first), so a chatty process cannot exhaust the test's memory. */
const OUTPUT_LIMIT_CHARS = 8 * 1024 * 1024;
const READY_TIMEOUT_MS = 15_000;

export class IngestProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<IngestExit>;
  private exit?: IngestExit;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout!.on(
      "data",
      (chunk: Buffer) => (this.stdout = (this.stdout + chunk.toString()).slice(-OUTPUT_LIMIT_CHARS)),
    );
    child.stderr!.on(
      "data",
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-OUTPUT_LIMIT_CHARS)),
    );
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /** Starts the service on a free port and waits (bounded) until GET /healthcheck answers 200. */
  static async start(settings: IngestSettings): Promise<IngestProcess> {
    const port = await freePort();
    // A clean environment, as on Fargate: nothing of the test runner's shell leaks in.
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      METRICS_INTERVAL_MS: "60000",
      ...settings,
    };
    const child = spawn(process.execPath, [builtEntrypoint("ingest")], { env, stdio: ["ignore", "pipe", "pipe"] });
    const ingest = new IngestProcess(child, port);
    try {
      await pollUntil((signal) => ingest.healthcheck(signal), {
        what: `the ingest service (pid ${child.pid}) to answer GET /healthcheck on port ${port}`,
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 50,
        hopeless: () => (ingest.exit ? `it exited (${JSON.stringify(ingest.exit)})\n${ingest.output()}` : undefined),
      });
    } catch (error) {
      ingest.kill();
      throw error;
    }
    return ingest;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves when GET /healthcheck answers 200; rejects otherwise. A fresh connection each time. */
  healthcheck(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = http.get(`${this.url}/healthcheck`, { agent: false, signal, timeout: 2000 }, (response) => {
        response.resume();
        if (response.statusCode === 200) resolve();
        else reject(new Error(`GET /healthcheck answered ${response.statusCode}`));
      });
      request.on("timeout", () => request.destroy(new Error("GET /healthcheck timed out")));
      request.on("error", reject);
    });
  }

  /** Sends `signal` and waits for the exit; past `timeoutMs` the process is killed and this throws. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<IngestExit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    return this.exitWithin(timeoutMs);
  }

  /** The exit, if it comes within `timeoutMs`; otherwise SIGKILL and a failure showing the output. */
  async exitWithin(timeoutMs: number): Promise<IngestExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (outcome !== "timeout") return outcome;
    this.kill();
    throw new Error(`the ingest service did not exit within ${timeoutMs} ms\n${this.output()}`);
  }

  /** Last-resort cleanup after a failed test. */
  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }

  /** Resident memory of the process now, in KiB (Linux: VmRSS of /proc/<pid>/status). */
  async rssKiB(): Promise<number> {
    const status = await fs.readFile(`/proc/${this.pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (!match) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(match[1]);
  }

  /** Every JSON line of stdout: pino log lines and EMF metric documents. */
  jsonLines(): Record<string, unknown>[] {
    return this.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The sum of one EMF metric over every document written so far. */
  metricTotal(name: string): number {
    return this.jsonLines()
      .filter((doc) => doc._aws !== undefined && typeof doc[name] === "number")
      .reduce((sum, doc) => sum + (doc[name] as number), 0);
  }

  output(): string {
    return `--- ingest stdout ---\n${this.stdout.slice(-4000)}\n--- ingest stderr ---\n${this.stderr.slice(-4000)}`;
  }
}
