/**
 * How a part starts, from its contract's entry point: the container's command and health
 * check (the Dockerfile's CMD and the ECS task definition), and the file a Lambda requires.
 * Paths are relative to the repository (or image) root, after `npm run build` has compiled
 * runtime/ to dist/.
 */
import { AnyContract } from "./contract";

/**
 * The command line of a part that runs as a process, as the ECS container definition and the
 * Dockerfile's CMD take it; `nodeOptions` (V8 flags such as `--max-old-space-size`) go before
 * the script.
 */
export function serviceCommand(contract: AnyContract, nodeOptions: readonly string[] = []): string[] {
  if (contract.entry.kind !== "command") throw new Error(`${contract.part} is not a command (${contract.entry.kind})`);
  for (const option of nodeOptions) {
    if (!/^--[a-z][a-z0-9-]*(=\S+)?$/.test(option)) {
      throw new Error(`${contract.part}: a node option is --name or --name=value, got ${JSON.stringify(option)}`);
    }
  }
  return ["node", ...nodeOptions, contract.entry.script];
}

/** The script a command line runs: its first argument after node's own options. */
export function commandScript(command: readonly string[]): string | undefined {
  return command.slice(1).find((a) => !a.startsWith("--"));
}

/** The command of a service's container health check (ECS ignores the image's HEALTHCHECK). */
export function healthCheckCommand(contract: AnyContract): [string, string] {
  if (contract.entry.kind !== "command" || !contract.entry.healthCheck) {
    throw new Error(`${contract.part} has no health check`);
  }
  return ["node", contract.entry.healthCheck];
}

/** The compiled file a part's entry point names: its script, or its module (Lambda, record processor). */
export function entrypointFile(contract: AnyContract): string {
  const entry = contract.entry;
  if (entry.kind === "command") return entry.script;
  if (entry.kind === "lambda" || entry.kind === "processor") return entry.module;
  throw new Error(`${contract.part} runs on Managed Flink: it has no compiled entry point`);
}
