import { spawn } from "node:child_process";
import { builtEntrypoint, REPO_ROOT } from "../harness/built";
import { eventually } from "../harness/eventually";
import { ServiceProcess } from "../harness/service-process";

/** `npm start` as a child process of the test (the same command, without npm in between). */
export class StackProcess extends ServiceProcess {
  constructor(env: Record<string, string>, args: string[] = []) {
    const child = spawn(process.execPath, [builtEntrypoint("local"), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    super(child, "npm start");
  }

  /** Polls `check` until it returns a value; fails if the stack exits first or time runs out. */
  waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
    return eventually(check, { what, timeoutMs, process: this });
  }
}
