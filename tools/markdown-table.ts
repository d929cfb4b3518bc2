/** A Markdown table from its header and rows of cells; Prettier aligns the columns when it formats the page. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * A cell's text as Markdown shows it: a `|` would end the cell, and `<name>` outside code
 * would be taken for an HTML tag and vanish (code spans are left as they are).
 */
function escapeCell(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/([|<>])/g, "\\$1")))
    .join("")
    .replace(/\n/g, " ");
}
