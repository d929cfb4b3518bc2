/**
 * docs/metrics.md lists exactly the catalogue's metrics, as the catalogue defines them: the
 * table is written from it (`npm run docs`, tools/metrics-doc.ts), so a metric added or changed there and
 * not in the page fails here.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { catalogueTable, METRICS_DOC, TABLE_END, TABLE_START } from "../../../tools/metrics-doc";

/** A Markdown table's rows as trimmed cells, whatever the column widths; the separator row left out. */
function rows(table: string): string[][] {
  return table
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe("docs/metrics.md", () => {
  it("holds the catalogue's table: every metric, and no other", () => {
    const page = readFileSync(METRICS_DOC, "utf8");
    const table = page.slice(page.indexOf(TABLE_START), page.indexOf(TABLE_END));
    expect(rows(table), "run: npm run docs").to.deep.equal(rows(catalogueTable()));
    expect(rows(table).length).to.be.above(50);
  });
});
