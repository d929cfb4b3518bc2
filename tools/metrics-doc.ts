/**
 * `node -r ts-node/register/transpile-only tools/metrics-doc.ts`: rewrites the table of
 * docs/metrics.md from the metric catalogue (runtime/observability/metrics/catalogue.ts),
 * between its two markers, formatted as Prettier formats it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { format, resolveConfig } from "prettier";
import { REPO_ROOT } from "../runtime/common/repo-root";
import { catalogueTable } from "../runtime/observability/metrics/catalogue";

export const METRICS_DOC = path.join(REPO_ROOT, "docs", "metrics.md");
export const TABLE_START = "<!-- catalogue table: tools/metrics-doc.ts writes it -->";
export const TABLE_END = "<!-- end of the catalogue table -->";

/** The page with its table replaced by the catalogue's. */
export function withCatalogueTable(page: string): string {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/metrics.md needs the markers ${TABLE_START} and ${TABLE_END}`);
  return `${page.slice(0, start + TABLE_START.length)}\n\n${catalogueTable()}\n\n${page.slice(end)}`;
}

async function main(): Promise<void> {
  const page = withCatalogueTable(readFileSync(METRICS_DOC, "utf8"));
  const options = (await resolveConfig(METRICS_DOC)) ?? {};
  writeFileSync(METRICS_DOC, await format(page, { ...options, filepath: METRICS_DOC }));
  console.log(`wrote ${path.relative(process.cwd(), METRICS_DOC)}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
