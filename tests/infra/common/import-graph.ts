/**
 * The program's import graph, read from the sources: for each TypeScript file of a tree,
 * the modules it imports (import, export ... from, import type, require), resolved to
 * repository paths for relative ones and left as written for packages.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** Every .ts file under `dir` (relative to the repository), the browser page's static scripts aside. */
export function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(relative));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(relative);
  }
  return files;
}

/** What a file imports: repository paths ("runtime/stream/limits.ts") and package names ("@pulumi/aws"). */
export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8"), true, true);
  return info.importedFiles.map((i) => resolveImport(file, i.fileName));
}

function resolveImport(from: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const base = path.posix.join(path.posix.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, `${base}.js`, base]) {
    const full = path.join(ROOT, candidate);
    try {
      if (statSync(full).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(`${from} imports ${specifier}, which resolves to no file`);
}

/** Every file of the runtime reached from `file` through its imports, `file` included. */
export function runtimeClosure(file: string): string[] {
  const seen = new Set<string>();
  const stack = [file];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...importsOf(next).filter((i) => i.startsWith("runtime/")));
  }
  return [...seen];
}

/** A file's folder as a part of the program: "runtime/ingest", "infra/common"; a file at a tree's top is its own. */
export function folderOf(file: string): string {
  const parts = file.split("/");
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

/**
 * The folders that import each other in a cycle, as groups (strongly connected components
 * of the folder graph with more than one folder), each sorted, the groups sorted.
 */
export function folderCycles(files: readonly string[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const from = folderOf(file);
    for (const target of importsOf(file)) {
      if (!target.startsWith("runtime/") && !target.startsWith("infra/")) continue;
      const to = folderOf(target);
      if (to === from) continue;
      edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return groups.sort((a, b) => a[0].localeCompare(b[0]));
}
