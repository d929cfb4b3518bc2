/** Helpers the integration tests share to prove that no process outlives them. */
import { isRunning } from "../../runtime/local/process-alive";
import { eventually } from "./eventually";

export { isRunning };

/** Waits (bounded) until the process is gone; fails naming it (`name`: "the dynamodb emulator") if it stays. */
export async function waitUntilGone(pid: number, name: string, timeoutMs: number): Promise<void> {
  await eventually(() => !isRunning(pid), { what: `${name} (pid ${pid}) to exit`, timeoutMs, intervalMs: 50 });
}

/** Last-resort cleanup after a failed test: SIGKILL whatever is still running. */
export function killIfRunning(pid: number | undefined): void {
  if (pid === undefined || !isRunning(pid)) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone in the meantime.
  }
}
