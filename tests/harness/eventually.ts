/**
 * Waiting in a test until something holds, bounded in time: the one "poll until, or fail at
 * a deadline" loop the tests share.
 *
 * runtime/local/poll-until.ts retries an attempt that throws until it succeeds. The tests
 * mostly poll a condition instead (a log line, a file, a lease table), and an error while
 * reading it is a failure at once, not a reason to go on; a failure should show what was
 * last seen and the output of the process the test waits on.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** A process a wait depends on (a ServiceProcess fits). */
export interface WatchedProcess {
  readonly running: boolean;
  /** Names the process in the failure: "the hot-spot worker". */
  readonly label: string;
  /** What it printed, for the failure. */
  output(): string;
}

export interface EventuallyOptions {
  /** What the test waits for, for the failure: "GET /hotspots to answer". */
  what: string;
  timeoutMs: number;
  /** Pause between two checks; 100 ms unless set. */
  intervalMs?: number;
  /**
   * The process that must bring what the test waits for: once it has exited, waiting longer
   * is pointless and the wait fails at once. Its output goes into any failure.
   */
  process?: WatchedProcess;
  /** More for the failure, read when the wait fails: what was last seen. */
  details?: () => string;
}

/**
 * Calls `check` until it returns something other than `undefined` or `false`, and returns
 * that. Fails when `options.process` exits first or `options.timeoutMs` passes; an error
 * thrown by `check` fails the wait at once.
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: EventuallyOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    const watched = options.process;
    if (watched !== undefined && !watched.running) {
      throw new Error(`${watched.label} exited before ${options.what}${diagnostics(options)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${diagnostics(options)}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

function diagnostics(options: EventuallyOptions): string {
  const details = options.details?.();
  return (details ? `\n${details}` : "") + (options.process ? `\n${options.process.output()}` : "");
}
