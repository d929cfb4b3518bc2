/**
 * Waiting for a child of the local stack to be ready, the same for each: bounded, given up
 * at once when the child exits, and on failure the child is stopped and the error carries
 * its last output (usually the real reason, e.g. a bad setting or a port in use).
 */
import http from "node:http";

import { GuardedChild } from "./guarded-child";
import { pollUntil, PollOptions } from "./poll-until";

export async function waitUntilReady(
  child: GuardedChild,
  attempt: (signal: AbortSignal) => Promise<unknown>,
  options: Pick<PollOptions, "what" | "timeoutMs" | "signal">,
): Promise<void> {
  let exit: string | undefined;
  void child.exited.then(
    ({ code, signal }) => (exit = signal === null ? `it exited with code ${code}` : `it was killed by ${signal}`),
  );
  try {
    await pollUntil(attempt, { ...options, hopeless: () => exit });
  } catch (error) {
    await child.stop();
    if (options.signal?.aborted) throw error;
    const output = child.recentOutput().trim();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(output === "" ? message : `${message}\n--- last output of ${child.name} ---\n${output}`, {
      cause: error,
    });
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
