/**
 * A generated section of a page under docs/: text between two HTML comments that a tool
 * rewrites from the code it documents (the metric catalogue, the config keys, a part's
 * contract), so the page cannot drift from it. The rest of the page is written by hand
 * and kept as it is.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { format, resolveConfig } from "prettier";
import { REPO_ROOT } from "../runtime/common/repo-root";

export interface DocSection {
  /** The page, from the repository root: "docs/config.md". */
  page: string;
  /** The comment the section starts after, and the one it ends before. */
  start: string;
  end: string;
  /** The section's Markdown, as the code it documents says it. */
  body: () => string;
}

/** The text between the section's markers (without them), or an error naming the missing marker. */
export function sectionText(section: DocSection, text: string): string {
  const start = text.indexOf(section.start);
  const end = text.indexOf(section.end);
  if (start < 0 || end < start) {
    throw new Error(`${section.page} needs the markers ${section.start} and, after it, ${section.end}`);
  }
  return text.slice(start + section.start.length, end);
}

/** `text` with the section's body put between its markers. */
export function withSection(section: DocSection, text: string): string {
  sectionText(section, text);
  const start = text.indexOf(section.start) + section.start.length;
  return `${text.slice(0, start)}\n\n${section.body()}\n\n${text.slice(text.indexOf(section.end))}`;
}

/** `text` formatted as Prettier formats the file at `page` (the repository's settings). */
export async function formatted(page: string, text: string): Promise<string> {
  const file = path.join(REPO_ROOT, page);
  const options = (await resolveConfig(file)) ?? {};
  return format(text, { ...options, filepath: file });
}

/** The page with the sections rewritten and formatted: what `writeSections` writes. */
export async function pageWithSections(page: string, sections: readonly DocSection[], text?: string): Promise<string> {
  let result = text ?? readFileSync(path.join(REPO_ROOT, page), "utf8");
  for (const section of sections.filter((s) => s.page === page)) result = withSection(section, result);
  return formatted(page, result);
}

/** Rewrites every page the sections are on; returns the pages it wrote. */
export async function writeSections(sections: readonly DocSection[]): Promise<string[]> {
  const pages = [...new Set(sections.map((s) => s.page))];
  for (const page of pages) {
    writeFileSync(path.join(REPO_ROOT, page), await pageWithSections(page, sections));
  }
  return pages;
}

/** Runs a tool's main as a script: the error's message on stderr and exit code 1. */
export function runTool(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
