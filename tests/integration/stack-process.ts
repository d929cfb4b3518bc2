import { spawn } from "node:child_process";
import { builtEntrypoint, REPO_ROOT } from "../harness/built";
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
  async waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (!this.running) throw new Error(`npm start exited before ${what}\n${this.output()}`);
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
