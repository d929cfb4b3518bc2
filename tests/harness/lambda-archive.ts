/**
 * A callback Lambda's code archive as the mocks record it: its entries, their size on
 * disk, and a way to run its handler from nothing but those entries, as Lambda would.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PlannedResource } from "../../infra/plan/mocks";

const ROOT = path.resolve(__dirname, "..", "..");

export async function archiveEntries(fn: PlannedResource): Promise<Record<string, unknown>> {
  return (await (fn.inputs.code as { assets: Promise<Record<string, unknown>> }).assets) ?? {};
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
      env: { PATH: process.env.PATH, LOG_LEVEL: "silent", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
    return JSON.parse(stdout.trim().split("\n").pop()!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
