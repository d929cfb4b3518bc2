/**
 * A callback Lambda's code archive as the mocks record it: its entries, what packages it
 * ships, their size on disk, and a way to run its handler from nothing but those entries,
 * as Lambda would.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PlannedResource } from "../../infra/plan/mocks";
import { callTraceEnv } from "../../runtime/common/aws/call-trace";
import { REPO_ROOT } from "../../runtime/common/repo-root";

const ROOT = REPO_ROOT;

export async function archiveEntries(fn: PlannedResource): Promise<Record<string, unknown>> {
  return (await (fn.inputs.code as { assets: Promise<Record<string, unknown>> }).assets) ?? {};
}

/**
 * The archive holds exactly the handler, the compiled runtime and, in node_modules,
 * `packages` (what the function's module loads) with what they need: their dependencies,
 * transitively, as installed here. Nothing else: no other production dependency, nothing of
 * the SDK (the Lambda runtime has it), Pulumi or the tools. A package nested in another's
 * node_modules comes inside that one's folder, so only the top-level folders are entries.
 */
export function expectArchiveContents(assets: Record<string, unknown>, packages: readonly string[]): void {
  const expected = ["__index.js", "dist/runtime", ...neededPackageFolders(packages)];
  const entries = Object.keys(assets);
  const unexpected = entries.filter((n) => !expected.includes(n)).sort();
  const missing = expected.filter((n) => !entries.includes(n)).sort();
  expect(
    { unexpected, missing },
    `the archive should hold the handler, dist/runtime and ${packages.join(", ")} with their dependencies; ` +
      `unexpected: ${unexpected.join(", ") || "none"}; missing: ${missing.join(", ") || "none"}`,
  ).to.deep.equal({ unexpected: [], missing: [] });
}

/** The top-level node_modules folders of `packages` and everything they depend on. */
export function neededPackageFolders(packages: readonly string[]): string[] {
  const folders = new Set<string>();
  const add = (name: string, from: string) => {
    const folder = installedFolder(name, from);
    if (folders.has(folder)) return;
    folders.add(folder);
    const manifest = JSON.parse(readFileSync(path.join(ROOT, folder, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) add(dependency, folder);
  };
  for (const name of packages) add(name, ".");
  return [...folders].filter((folder) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(folder));
}

/** Where node finds package `name` required from folder `from`: its node_modules, then each parent's. */
function installedFolder(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const folder = path.join(dir, "node_modules", name);
    if (existsSync(path.join(ROOT, folder, "package.json"))) return folder;
    if (dir === ".") throw new Error(`package ${name}, needed from ${from}, is not installed`);
  }
}

/** Bytes the archive's entries take unpacked (the handler file aside). */
export function unpackedBytes(assets: Record<string, unknown>): number {
  return Object.keys(assets)
    .filter((n) => n !== "__index.js")
    .reduce((sum, n) => sum + sizeOnDisk(path.join(ROOT, n)), 0);
}

function sizeOnDisk(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((sum, child) => sum + sizeOnDisk(path.join(p, child)), 0);
}

/**
 * Lays the archive out as Lambda would unpack it and calls its handler in a fresh node
 * process that can load only what the archive holds (no repository node_modules on the
 * path). Asynchronous, so a fake service in the test's process can answer the handler.
 */
export async function invokeArchive(
  assets: Record<string, unknown>,
  event: unknown,
  env: Record<string, string> = {},
): Promise<unknown> {
  const dir = mkdtempSync(path.join(tmpdir(), "lambda-archive-"));
  try {
    for (const [name, asset] of Object.entries(assets)) {
      const a = asset as { path?: Promise<string>; text?: Promise<string> };
      if (a.text !== undefined) writeFileSync(path.join(dir, name), await a.text);
      else cpSync(path.join(ROOT, await a.path!), path.join(dir, name), { recursive: true });
    }
    const script = `require("./__index.js").handler(${JSON.stringify(event)}).then((r) => console.log(JSON.stringify(r)))`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
      cwd: dir,
      // The call trace's variables too: the archive's calls, as deployed, join the IAM check's trace.
      env: { PATH: process.env.PATH, LOG_LEVEL: "silent", ...callTraceEnv(), ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
    return JSON.parse(stdout.trim().split("\n").pop()!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
