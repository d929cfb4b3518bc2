/**
 * The metrics tables of the parts' pages list exactly the metrics each part's contract
 * emits: a metric a part starts or stops publishing shows on its page (the tables are
 * written from the contracts by `npm run docs`).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { CONTRACTS } from "../../../runtime/contracts";
import { sectionText } from "../../../tools/doc-section";
import { METRICS_PARTS, partMetricsSection, partMetricsTable } from "../../../tools/part-metrics-doc";
import { PARTS } from "../../../tools/part-pages";
import { tableRows } from "../../harness/markdown";

describe("metrics tables of the parts' pages", () => {
  it("every part whose contract emits metrics has one, and only those", () => {
    expect(METRICS_PARTS).to.include.members(["ingest", "processing", "replay", "hotspotJob"]);
    for (const part of PARTS) {
      const section = partMetricsSection(part);
      const onPage = readFileSync(path.join(REPO_ROOT, section.page), "utf8").includes(section.start);
      expect(onPage, `${section.page} has the metrics of ${part}`).to.equal(CONTRACTS[part].metrics.length > 0);
    }
  });

  it("lists each metric the contract emits, by name", () => {
    for (const part of METRICS_PARTS) {
      const section = partMetricsSection(part);
      const names = tableRows(sectionText(section, readFileSync(path.join(REPO_ROOT, section.page), "utf8"))).map(
        ([cell]) => cell.replace(/`/g, ""),
      );
      expect(names, part).to.deep.equal(CONTRACTS[part].metrics.flatMap((set) => set.metrics.map((m) => m.name)));
    }
  });

  it("shows a fixed dimension with its value, a variable's by the variable, and a per-point one by name", () => {
    const table = partMetricsTable(CONTRACTS.ingest);
    expect(table).to.include("Service=ingest, StreamName (from `STREAM_NAME`), Reason");
  });
});
