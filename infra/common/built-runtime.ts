/**
 * The compiled runtime (dist/runtime, written by `npm run build`) is what the Lambdas ship,
 * and what the integration tests and benchmarks start, as the container does. A stale
 * dist/ would deploy, test or measure old code and say nothing, so every runtime source
 * (.ts, or .js that tsc copies) must have a compiled file at least as new as itself: the
 * whole tree, not a list of the folders a service loads today, which drifts as imports
 * change. Checked once per process: the tree does not change under a running program.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../runtime/common/repo-root";

let fresh = false;

/** Throws, naming what is stale and the fix, unless dist/ holds a fresh build of runtime/. */
export function assertRuntimeBuilt(): void {
  if (fresh) return;
  const stale = staleRuntimeSources(REPO_ROOT);
  if (stale.length > 0) {
    const named = stale.length > 5 ? `${stale.slice(0, 5).join(", ")} and ${stale.length - 5} more` : stale.join(", ");
    throw new Error(`dist/ is missing or older than ${named}: run \`npm run build\` first`);
  }
  fresh = true;
}

/** The sources under `root`/runtime whose compiled file under `root`/dist is missing or older. */
export function staleRuntimeSources(root: string): string[] {
  const stale: string[] = [];
  const check = (rel: string) => {
    const source = path.join(root, rel);
    if (statSync(source).isDirectory()) {
      readdirSync(source).forEach((name) => check(path.join(rel, name)));
    } else if (/\.[tj]s$/.test(rel) && !rel.endsWith(".d.ts")) {
      const built = path.join(root, "dist", rel.replace(/\.ts$/, ".js"));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) stale.push(rel);
    }
  };
  check("runtime");
  return stale;
}
