/**
 * Where a source file spells a metric name or namespace of the catalogue in a string: the
 * string literals and template texts of TypeScript and JavaScript (read by the TypeScript
 * parser, so comments never count), and the string literals of Python.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface NameInSource {
  file: string;
  line: number;
  name: string;
  text: string;
}

/** Every string text of a TypeScript or JavaScript file, with its line. */
export function scriptStrings(file: string, source: string): { line: number; text: string }[] {
  const kind = /\.m?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.text });
    }
    node.forEachChild(visit);
  };
  visit(sf);
  return found;
}

/** Every string literal of a Python file (single or double quotes, one line), comments left out. */
export function pythonStrings(source: string): { line: number; text: string }[] {
  return source.split("\n").flatMap((code, i) =>
    [...code.replace(/^\s*#.*$/, "").matchAll(/(["'])((?:\\.|(?!\1).)*)\1/g)].map((m) => ({
      line: i + 1,
      text: m[2],
    })),
  );
}

/**
 * A name counts inside a longer string as a whole word when it cannot be an ordinary word:
 * it has a dot or a lower-case letter followed by a capital (IncomingBytes,
 * millisBehindLatest). Other names (Rejects, KPUs) count only as a whole string.
 */
function matches(name: string, text: string): boolean {
  if (text === name) return true;
  if (!/\.|[a-z][A-Z]/.test(name)) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![A-Za-z0-9_.])${escaped}(?![A-Za-z0-9_])`).test(text);
}

export function namesInSource(file: string, source: string, names: readonly string[]): NameInSource[] {
  const strings = file.endsWith(".py") ? pythonStrings(source) : scriptStrings(file, source);
  return strings.flatMap(({ line, text }) =>
    names.filter((name) => matches(name, text)).map((name) => ({ file, line, name, text })),
  );
}

/** The source files under `dir` (TypeScript, JavaScript, Python), leaving out `skip` folders. */
export function sourceFiles(dir: string, skip: (relative: string) => boolean, root = dir): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    const relative = path.relative(root, full).split(path.sep).join("/");
    if (skip(relative)) return [];
    if (statSync(full).isDirectory()) return sourceFiles(full, skip, root);
    return /\.(ts|js|mjs|py)$/.test(entry) ? [relative] : [];
  });
}

export function readSource(root: string, relative: string): string {
  return readFileSync(path.join(root, relative), "utf8");
}
