/**
 * How a part starts, from its contract's entry point. The container's command
 * (`serviceCommand`), `npm start` and the integration tests (`compiledEntrypoint`) all start
 * the same compiled file, so what the tests prove is what runs on Fargate. Paths are
 * relative to the repository (or image) root, after `npm run build` has compiled runtime/
 * to dist/.
 */
import { existsSync } from "node:fs";
import path from "node:path";

import { AnyContract } from "./contract";
import { REPO_ROOT } from "./repo-root";

/** The command line of a part that runs as a process, as the ECS container definition and the Dockerfile's CMD take it. */
export function serviceCommand(contract: AnyContract): [string, string] {
  if (contract.entry.kind !== "command") throw new Error(`${contract.part} is not a command (${contract.entry.kind})`);
  return ["node", contract.entry.script];
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

/** The absolute path of a part's compiled entry point; fails with the fix when it is not built. */
export function compiledEntrypoint(contract: AnyContract): string {
  const script = path.join(REPO_ROOT, entrypointFile(contract));
  if (!existsSync(script)) throw new Error(`${script} does not exist: run \`npm run build\` (npm start builds first)`);
  return script;
}
