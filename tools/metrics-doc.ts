/**
 * The table of docs/metrics.md, from the metric catalogue
 * (runtime/observability/metrics/catalogue.ts): `npm run docs` writes it between its two
 * markers.
 */
import path from "node:path";
import { REPO_ROOT } from "../runtime/common/repo-root";
import { METRIC_CATALOGUE } from "../runtime/observability/metrics/catalogue";
import { DocSection } from "./doc-section";
import { markdownTable } from "./markdown-table";

export const METRICS_DOC = path.join(REPO_ROOT, "docs", "metrics.md");
export const TABLE_START = "<!-- catalogue table: npm run docs writes it -->";
export const TABLE_END = "<!-- end of the catalogue table -->";

/** The catalogue as a Markdown table: each metric with how it is published and read, and its source. */
export function catalogueTable(): string {
  return markdownTable(
    ["metric", "namespace", "dimensions", "statistic", "period (s)", "unit", "defined by"],
    METRIC_CATALOGUE.map((m) => [
      `\`${m.name}\``,
      `\`${m.namespace}\``,
      m.dimensions.join(", "),
      m.statistic,
      String(m.period),
      m.unit ?? "",
      m.reference.startsWith("https://") ? `[AWS](${m.reference})` : `\`${m.reference}\``,
    ]),
  );
}

export const METRICS_SECTION: DocSection = {
  page: "docs/metrics.md",
  start: TABLE_START,
  end: TABLE_END,
  body: catalogueTable,
};
