import { builtEntrypoint } from "./built";
import { eventually } from "./eventually";
import { ServiceProcess } from "./service-process";
import { LOCAL_VARIABLES } from "../../runtime/local/local-env";
import { freePorts } from "../../runtime/local/ports";

/** A free port for every port the stack opens (the defaults may be taken on this machine). */
export async function freePortsEnv(): Promise<Record<string, string>> {
  const names = Object.keys(LOCAL_VARIABLES).filter((n) => n.endsWith("_PORT"));
  const ports = await freePorts(names.length);
  return Object.fromEntries(names.map((name, i) => [name, String(ports[i])]));
}

/** `npm start` as a child process of the test (the same command, without npm in between). */
export class StackProcess extends ServiceProcess {
  constructor(env: Record<string, string>, args: string[] = []) {
    super("npm start", { script: builtEntrypoint("local"), args, env: { ...process.env, ...env } });
  }

  /** Polls `check` until it returns a value; fails if the stack exits first or time runs out. */
  waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
    return eventually(check, { what, timeoutMs, process: this });
  }
}
