/**
 * A pipeline process started by a test the way its container (or `npm start`) starts it:
 * this node binary running a compiled entry point. What every such process shares: its
 * output kept (bounded), its exit, a stop bounded in time, and its JSON lines read back.
 */
import { ChildProcess } from "node:child_process";
import { ChildExit } from "../../runtime/local/guarded-child";

/** Output beyond this is dropped (oldest first), so a chatty process cannot exhaust the test's memory. */
const OUTPUT_LIMIT_CHARS = 8 * 1024 * 1024;
/** How much of each stream a failure message shows. */
const OUTPUT_TAIL_CHARS = 4000;

export abstract class ServiceProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<ChildExit>;
  protected exit?: ChildExit;

  /** `label` names the process in failures: "worker w1", "the ingest service". */
  protected constructor(
    readonly child: ChildProcess,
    readonly label: string,
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

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Sends `signal` and waits for the exit; past `timeoutMs` the process is killed and this throws. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<ChildExit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    return this.exitWithin(timeoutMs);
  }

  /** `kill -9`: no shutdown, no checkpoint, no release. Resolves once the process is gone. */
  async killHard(): Promise<ChildExit> {
    if (this.exit) return this.exit;
    this.child.kill("SIGKILL");
    return this.exited;
  }

  /** The exit, if it comes within `timeoutMs`; otherwise SIGKILL and a failure showing the output. */
  async exitWithin(timeoutMs: number): Promise<ChildExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (outcome !== "timeout") return outcome;
    this.kill();
    throw new Error(`${this.label} did not exit within ${timeoutMs} ms\n${this.output()}`);
  }

  /** Last-resort cleanup after a failed test. */
  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }

  /**
   * Every complete JSON line of stdout: pino log lines and EMF documents. The line being
   * written is left out, and so is the first when the output limit cut it.
   */
  jsonLines(): Record<string, unknown>[] {
    const lines = this.stdout.split("\n").slice(0, -1);
    if (this.stdout.length >= OUTPUT_LIMIT_CHARS) lines.shift();
    return lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The sum of one EMF metric over every document written so far. */
  metricTotal(name: string): number {
    return this.jsonLines()
      .filter((doc) => doc._aws !== undefined && typeof doc[name] === "number")
      .reduce((sum, doc) => sum + (doc[name] as number), 0);
  }

  output(): string {
    return (
      `--- ${this.label} stdout ---\n${this.stdout.slice(-OUTPUT_TAIL_CHARS)}\n` +
      `--- ${this.label} stderr ---\n${this.stderr.slice(-OUTPUT_TAIL_CHARS)}`
    );
  }
}
