/**
 * What a callback Lambda's archive leaves out. `aws.lambda.CallbackFunction` packs every
 * production dependency of package.json; a function names the few it loads and the rest
 * stay out, so its archive holds its handler, the compiled runtime and those packages only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../runtime/common/repo-root";

/** The production dependencies, read once. */
const DEPENDENCIES = Object.keys(
  (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> })
    .dependencies,
);

/** The production dependencies other than `keep`: CallbackFunction's extraExcludePackages. */
export function packagesExcept(keep: readonly string[]): string[] {
  const unknown = keep.filter((name) => !DEPENDENCIES.includes(name));
  if (unknown.length > 0) throw new Error(`not production dependencies of package.json: ${unknown.join(", ")}`);
  return DEPENDENCIES.filter((name) => !keep.includes(name));
}
