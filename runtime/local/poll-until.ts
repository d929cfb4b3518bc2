import { setTimeout as sleep } from "node:timers/promises";

export interface PollOptions {
  /** What we wait for, for the error message: "kinesis to answer ListStreams". */
  what: string;
  /** The whole wait is bounded: nothing in the local stack may hang forever. */
  timeoutMs: number;
  intervalMs?: number;
  /** Longest a single attempt may take before it counts as failed. */
  attemptTimeoutMs?: number;
  /** Aborts the wait (e.g. Ctrl-C during start); the abort reason is thrown. */
  signal?: AbortSignal;
  /** Checked before each attempt: a reason means waiting longer is pointless (the process exited). */
  hopeless?: () => string | undefined;
}

/**
 * Calls `attempt` until it resolves, and returns its value. An attempt "fails" by throwing;
 * the last failure goes into the timeout error, since it usually says what is wrong.
 */
export async function pollUntil<T>(attempt: (signal: AbortSignal) => Promise<T>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    const reason = options.hopeless?.();
    if (reason !== undefined) throw new Error(`gave up waiting for ${options.what}: ${reason}`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new Error(
        `timed out after ${options.timeoutMs / 1000} s waiting for ${options.what}` +
          (lastError === undefined ? "" : ` (last error: ${describe(lastError)})`),
        { cause: lastError },
      );
    }
    const attemptSignals = [AbortSignal.timeout(Math.min(remaining, options.attemptTimeoutMs ?? 2000))];
    if (options.signal) attemptSignals.push(options.signal);
    try {
      return await attempt(AbortSignal.any(attemptSignals));
    } catch (error) {
      lastError = error;
    }
    await sleep(Math.min(options.intervalMs ?? 200, Math.max(0, deadline - Date.now())), undefined, {
      signal: options.signal,
    }).catch(() => undefined);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
