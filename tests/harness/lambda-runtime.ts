/**
 * What the Lambda Node.js runtime itself provides to a function: the AWS SDK for
 * JavaScript v3, on NODE_PATH (/var/runtime/node_modules), which is why archives leave it
 * out. For invokeArchive: a NODE_PATH that holds those packages as installed here.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../runtime/common/repo-root";

export interface LambdaRuntimeModules {
  /** For the function's environment: NODE_PATH. */
  nodePath: string;
  remove(): void;
}

/** A NODE_PATH offering `packages` (e.g. "@aws-sdk/client-secrets-manager"), and nothing else. */
export function lambdaRuntimeModules(packages: readonly string[]): LambdaRuntimeModules {
  const dir = mkdtempSync(path.join(tmpdir(), "lambda-runtime-"));
  const modules = path.join(dir, "node_modules");
  for (const name of packages) {
    const link = path.join(modules, name);
    mkdirSync(path.dirname(link), { recursive: true });
    // Node follows the link to the installed package, whose own dependencies resolve from there.
    symlinkSync(path.join(REPO_ROOT, "node_modules", name), link, "dir");
  }
  return { nodePath: modules, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
