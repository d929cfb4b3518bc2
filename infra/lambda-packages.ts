/**
 * What a callback Lambda's archive leaves out. `aws.lambda.CallbackFunction` packs every
 * production dependency of package.json; a function names the few it loads and the rest
 * stay out, so its archive holds its handler, the compiled runtime and those packages only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..");

/** The production dependencies other than `keep`: CallbackFunction's extraExcludePackages. */
export function packagesExcept(keep: readonly string[]): string[] {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const unknown = keep.filter((name) => !(name in manifest.dependencies));
  if (unknown.length > 0) throw new Error(`not production dependencies of package.json: ${unknown.join(", ")}`);
  return Object.keys(manifest.dependencies).filter((name) => !keep.includes(name));
}
