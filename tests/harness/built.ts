/**
 * Integration tests start services exactly as the container and `npm start` do: the
 * compiled entry points in dist/ (each part's contract names its own: runtime/contracts.ts),
 * after the same freshness check the Lambdas' packaging makes (infra/common/built-runtime.ts).
 * `npm test` compiles first; a direct mocha or bench run on a stale build fails here with the fix.
 */
import { assertRuntimeBuilt } from "../../infra/common/built-runtime";
import { PartName } from "../../runtime/common/contract";
import { REPO_ROOT } from "../../runtime/common/repo-root";
import { compiledEntrypoint } from "../../runtime/common/services";
import { CONTRACTS } from "../../runtime/contracts";

export { REPO_ROOT, assertRuntimeBuilt as assertBuilt };

/** The absolute path of a part's compiled entry point, after checking the build is fresh. */
export function builtEntrypoint(part: PartName): string {
  assertRuntimeBuilt();
  return compiledEntrypoint(CONTRACTS[part]);
}
