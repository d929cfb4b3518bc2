/**
 * Integration tests start services exactly as the container and `npm start` do: the
 * compiled entry points in dist/ (see runtime/services.ts). `npm test` compiles first; a
 * direct mocha run on a stale or missing build fails here with the fix, not later with a
 * confusing error.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../runtime/repo-root";
import { compiledEntrypoint, SERVICE_ENTRYPOINTS, ServiceName } from "../../runtime/services";

export { REPO_ROOT };

/** The absolute path of a service's compiled entry point, checked to exist and be fresh. */
export function builtEntrypoint(service: ServiceName): string {
  const built = compiledEntrypoint(service);
  const source = path.join(REPO_ROOT, SERVICE_ENTRYPOINTS[service].replace(/^dist\//, "").replace(/\.js$/, ".ts"));
  if (statSync(built).mtimeMs < statSync(source).mtimeMs) {
    throw new Error(`${built} is older than ${source}: run \`npm run build\` (npm test builds first)`);
  }
  return built;
}
