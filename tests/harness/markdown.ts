/**
 * Reading the Markdown pages the tests hold to the code: tables, links and headings, with
 * code blocks and code spans left out (a `[0]` in code is no link).
 */

/** The text without fenced code blocks and code spans. */
export function proseOf(text: string): string {
  return text.replace(/^```[\s\S]*?^```$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** The rows of the first table in `text`, as trimmed cells, without the header and separator rows. */
export function tableRows(text: string): string[][] {
  const lines = text.split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  if (first < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** The section under the heading `heading` ("## The parts"), up to the next heading of its level or above. */
export function section(text: string, heading: string): string {
  const level = heading.indexOf(" ");
  const start = text.split("\n").findIndex((line) => line === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const lines = text.split("\n").slice(start + 1);
  const end = lines.findIndex((line) => /^#+ /.test(line) && line.indexOf(" ") <= level);
  return lines.slice(0, end < 0 ? undefined : end).join("\n");
}

/** The targets of the links and images of `text`'s prose: `[text](target)`. */
export function linkTargets(text: string): string[] {
  return [...proseOf(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

/** The anchors GitHub gives the headings of `text`: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of text.replace(/^```[\s\S]*?^```$/gm, "").split("\n")) {
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}
