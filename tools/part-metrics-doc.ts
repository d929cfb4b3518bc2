/**
 * The metrics each part emits, on its page, from its contract (the catalogue's definitions,
 * with the dimensions it publishes them with): `npm run docs` writes a table between the
 * markers of each part that emits any. Every metric's full definition is in docs/metrics.md.
 */
import { AnyContract, PartName } from "../runtime/common/contract";
import { CONTRACTS } from "../runtime/contracts";
import { DocSection } from "./doc-section";
import { markdownTable } from "./markdown-table";
import { PART_PAGES, PARTS } from "./part-pages";

/**
 * A dimension as a reader filters by it: `Service=ingest` for a fixed value, the variable
 * that holds it (`StreamName` from `STREAM_NAME`), or the name alone when each data point
 * has its own (a shard, a reason).
 */
function shownDimension(contract: AnyContract, name: string, value: string): string {
  if (value in contract.variables) return `${name} (from \`${value}\`)`;
  return /^[\w.-]+$/.test(value) ? `${name}=${value}` : name;
}

/** The part's metrics as a table: name, namespace, dimensions, statistic, unit. */
export function partMetricsTable(contract: AnyContract): string {
  return markdownTable(
    ["metric", "namespace", "dimensions", "statistic", "unit"],
    contract.metrics.flatMap((set) =>
      set.metrics.map((metric) => [
        `\`${metric.name}\``,
        `\`${metric.namespace}\``,
        Object.entries(set.dimensions)
          .map(([name, value]) => shownDimension(contract, name, value))
          .join(", "),
        metric.statistic,
        metric.unit ?? "",
      ]),
    ),
  );
}

/** The section of a part's metrics on its page. */
export function partMetricsSection(part: PartName): DocSection {
  return {
    page: PART_PAGES[part].page,
    start: `<!-- metrics of ${part}: npm run docs writes them from ${PART_PAGES[part].contract} -->`,
    end: `<!-- end of the metrics of ${part} -->`,
    body: () => partMetricsTable(CONTRACTS[part]),
  };
}

/** The parts whose contracts declare metrics: only they have a metrics section. */
export const METRICS_PARTS: readonly PartName[] = PARTS.filter((part) => CONTRACTS[part].metrics.length > 0);

export const PART_METRICS_SECTIONS: readonly DocSection[] = METRICS_PARTS.map(partMetricsSection);
