/**
 * Integration tests start services exactly as the container and `npm start` do: the
 * compiled entry points in dist/ (see runtime/common/services.ts), after the same freshness check
 * the Lambdas' packaging makes (infra/common/built-runtime.ts). `npm test` compiles first; a direct
 * mocha or bench run on a stale build fails here with the fix.
 */
import { assertRuntimeBuilt } from "../../infra/common/built-runtime";
import { REPO_ROOT } from "../../runtime/common/repo-root";
import { compiledEntrypoint, ServiceName } from "../../runtime/common/services";

export { REPO_ROOT, assertRuntimeBuilt as assertBuilt };

/** The absolute path of a service's compiled entry point, after checking the build is fresh. */
export function builtEntrypoint(service: ServiceName): string {
  assertRuntimeBuilt();
  return compiledEntrypoint(service);
}
