/**
 * How a benchmark reports: progress on stderr (so `--json` keeps stdout to one JSON
 * document), a plain-text table per section, figures with their target and PASS/MISS.
 */

export type Cell = string | number;

/** Progress for the human waiting; never part of the result. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A left-aligned first column and right-aligned figures, as a terminal prints them well. */
export function table(title: string, header: string[], rows: Cell[][]): string {
  const text = [header, ...rows].map((row) => row.map((c) => (typeof c === "number" ? fmt(c) : c)));
  const widths = header.map((_, i) => Math.max(...text.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [title, line(text[0]), line(widths.map((w) => "-".repeat(w))), ...text.slice(1).map(line)].join("\n");
}

/** Numbers as people read them: thousands separated, at most 3 significant decimals. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export interface Target {
  /** What the figure is compared with, as printed: ">= 100x", "<= 250 ms". */
  text: string;
  met: boolean;
}

export function atLeast(value: number, min: number, unit = ""): Target {
  return { text: `>= ${fmt(min)}${unit}`, met: value >= min };
}

export function atMost(value: number, max: number, unit = ""): Target {
  return { text: `<= ${fmt(max)}${unit}`, met: value <= max };
}

export function verdict(t: Target | undefined): string {
  return t === undefined ? "-" : t.met ? "PASS" : "MISS";
}

/** Prints the tables, or with --json the one JSON document (and nothing else on stdout). */
export function output(json: boolean, doc: unknown, tables: string[]): void {
  if (json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else process.stdout.write(`${tables.join("\n\n")}\n`);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
