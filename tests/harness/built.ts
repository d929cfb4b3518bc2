/**
 * Integration tests and benchmarks start services exactly as the container and `npm start`
 * do: the compiled entry points in dist/ (see runtime/services.ts). A stale dist/ would test
 * or measure old code and say nothing, so before a service starts every runtime source (.ts,
 * or .js that tsc copies) must have a compiled file at least as new as itself: the whole
 * tree, not a list of the folders a service loads today, which drifts as imports change. `npm test` compiles first; a direct
 * mocha or bench run on a stale build fails here with the fix.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../runtime/repo-root";
import { compiledEntrypoint, ServiceName } from "../../runtime/services";

export { REPO_ROOT };

/** Throws, naming what is stale, unless dist/ holds a fresh build of every runtime/ source. */
export function assertBuilt(): void {
  const stale: string[] = [];
  const check = (rel: string) => {
    const source = path.join(REPO_ROOT, rel);
    if (statSync(source).isDirectory()) {
      readdirSync(source).forEach((name) => check(path.join(rel, name)));
    } else if (/\.[tj]s$/.test(rel) && !rel.endsWith(".d.ts")) {
      // .js sources too: tsc copies them (allowJs), and the child guard runs from dist/.
      const built = path.join(REPO_ROOT, "dist", rel.replace(/\.ts$/, ".js"));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) stale.push(rel);
    }
  };
  check("runtime");
  if (stale.length > 0) {
    const named = stale.length > 5 ? `${stale.slice(0, 5).join(", ")} and ${stale.length - 5} more` : stale.join(", ");
    throw new Error(`dist/ is missing or older than ${named}: run \`npm run build\` (npm test builds first)`);
  }
}

/** The absolute path of a service's compiled entry point, after checking the build is fresh. */
export function builtEntrypoint(service: ServiceName): string {
  assertBuilt();
  return compiledEntrypoint(service);
}
