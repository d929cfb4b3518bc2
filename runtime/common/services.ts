/**
 * Where a part's compiled entry point is on this machine. The container's command
 * (contract-entry.ts), `npm start` and the integration tests all start the same compiled
 * file, so what the tests prove is what runs on Fargate.
 */
import { existsSync } from "node:fs";
import path from "node:path";

import { AnyContract } from "./contract";
import { entrypointFile } from "./contract-entry";
import { REPO_ROOT } from "./repo-root";

/** The absolute path of a part's compiled entry point; fails with the fix when it is not built. */
export function compiledEntrypoint(contract: AnyContract): string {
  const script = path.join(REPO_ROOT, entrypointFile(contract));
  if (!existsSync(script)) throw new Error(`${script} does not exist: run \`npm run build\` (npm start builds first)`);
  return script;
}
