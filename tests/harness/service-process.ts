/**
 * A pipeline process started by a test the way its container (or `npm start`) starts it:
 * this node binary running a compiled entry point, as a guarded child
 * (runtime/local/guarded-child.ts, the supervisor the local stack and the benchmarks use
 * too), so it dies with the test run however that ends. What a test reads of it on top:
 * its output, its exit within a bound, and its JSON lines.
 */
import { ChildMessage } from "../../runtime/common/child-messages";
import { OUTPUT_TAIL_CHARS } from "../../runtime/local/child-output";
import { ChildExit, GuardedChild, GuardedChildOptions, spawnGuarded } from "../../runtime/local/guarded-child";

/** Output beyond this is dropped (oldest first), so a chatty process cannot exhaust the test's memory. */
const OUTPUT_LIMIT_CHARS = 8 * 1024 * 1024;

/** How a test starts one: the supervisor's options, with the output a test reads kept. */
export type ServiceOptions = Omit<GuardedChildOptions, "name" | "output" | "keepOutputChars">;

export abstract class ServiceProcess {
  readonly child: GuardedChild<ChildMessage>;

  /** `label` names the process in failures: "worker w1", "the ingest service". */
  protected constructor(
    readonly label: string,
    options: ServiceOptions,
  ) {
    this.child = spawnGuarded<ChildMessage>({ ...options, name: label, keepOutputChars: OUTPUT_LIMIT_CHARS });
  }

  get stdout(): string {
    return this.child.stdout();
  }

  get stderr(): string {
    return this.child.stderr();
  }

  /** Resolves once it has exited and its output is read to the end (the metrics written at shutdown). */
  get exited(): Promise<ChildExit> {
    return this.child.exited;
  }

  get pid(): number {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exit() === undefined;
  }

  /** Sends `signal` and waits for the exit; past `timeoutMs` the process is killed and this throws. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<ChildExit> {
    this.child.kill(signal);
    return this.exitWithin(timeoutMs);
  }

  /** `kill -9`: no shutdown, no checkpoint, no release. Resolves once the process is gone. */
  async killHard(): Promise<ChildExit> {
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
    this.child.kill("SIGKILL");
  }

  /**
   * Every complete JSON line of stdout: pino log lines and EMF documents. The line being
   * written is left out, and so is the first when the output limit cut it.
   */
  jsonLines(): Record<string, unknown>[] {
    const stdout = this.stdout;
    const lines = stdout.split("\n").slice(0, -1);
    if (stdout.length >= OUTPUT_LIMIT_CHARS) lines.shift();
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
