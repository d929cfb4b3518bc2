/**
 * Waiting for a guarded child to be ready, the same for each: bounded, given up at once when
 * the child exits, and on failure the child is stopped and the error carries its last output
 * (usually the real reason, e.g. a bad setting or a port in use). A child is ready when a
 * check answers (an endpoint, an API call), or when it says so over its IPC channel.
 */
import http from "node:http";

import { describeExit, GuardedChild, WaitOptions, withLastOutput } from "./guarded-child";
import { pollUntil, PollOptions } from "./poll-until";

/** What a wait needs of a child: to see it end, to stop it, and its output for the error. */
type Waited = Pick<GuardedChild, "name" | "exit" | "stop" | "recentOutput">;

/** Polls `attempt` (with PollOptions' interval) until it resolves. */
export function waitUntilReady(
  child: Waited,
  attempt: (signal: AbortSignal) => Promise<unknown>,
  options: Pick<PollOptions, "what" | "timeoutMs" | "signal" | "intervalMs">,
): Promise<void> {
  return stoppedOnFailure(child, options.signal, async () => {
    const exit = () => {
      const ended = child.exit();
      return ended === undefined ? undefined : `it ${describeExit(ended)}`;
    };
    await pollUntil(attempt, { ...options, hopeless: exit });
  });
}

/** Waits for the first message `accept` takes, such as the child's "started". */
export function waitForReadyMessage<M, T extends M>(
  child: GuardedChild<M>,
  accept: (message: M) => message is T,
  options: WaitOptions,
): Promise<T> {
  return stoppedOnFailure(child, options.signal, () => child.waitForMessage(accept, options));
}

async function stoppedOnFailure<T>(
  child: Waited,
  signal: AbortSignal | undefined,
  waiting: () => Promise<T>,
): Promise<T> {
  try {
    return await waiting();
  } catch (error) {
    await child.stop();
    if (signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(withLastOutput(child, message), { cause: error });
  }
}

/** Resolves when GET `url` answers 200, on a connection of its own. */
export function answersOk(url: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, signal }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve();
      else reject(new Error(`GET ${new URL(url).pathname} answered ${response.statusCode}`));
    });
    request.on("error", reject);
  });
}
