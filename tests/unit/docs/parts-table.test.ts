/**
 * The README's parts table is how a newcomer finds a part: its row names the part, and links
 * its folder in infra/, its folder in runtime/ and its page. The folders carry the part's
 * name on both sides and exist, the page exists, and every folder of infra/ and runtime/
 * is a part in the table unless it is shared by the parts (SHARED_FOLDERS).
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { linkTargets, section, tableRows } from "../../harness/markdown";

/**
 * Folders that are no part of the picture but serve them all: each side's `common/` (the
 * Fargate service, grants, the settings kit, AWS clients, what a contract holds), the
 * stack config every component reads (`infra/config/`), and the offline plan
 * (`infra/plan/`: the mocks, `npm run plan`, `npm run config:declare`). The README names
 * them under the table.
 */
const SHARED_FOLDERS: Record<string, readonly string[]> = {
  infra: ["common", "config", "plan"],
  runtime: ["common"],
};

interface PartRow {
  part: string;
  infra?: string;
  runtime?: string;
  docs?: string;
}

/** The table's rows: the part's name, and the one link of each folder and page cell. */
function partRows(readme: string): PartRow[] {
  return tableRows(section(readme, "## The parts")).map(([part, , infra, runtime, docs]) => {
    const link = (cell: string) => {
      const targets = linkTargets(cell);
      if (targets.length > 1) throw new Error(`${part}: one link a cell, got ${targets.join(", ")}`);
      return targets[0];
    };
    return { part, infra: link(infra), runtime: link(runtime), docs: link(docs) };
  });
}

const folders = (side: string) =>
  readdirSync(path.join(REPO_ROOT, side)).filter((name) => statSync(path.join(REPO_ROOT, side, name)).isDirectory());

describe("the README's parts table", () => {
  let rows: PartRow[] = [];
  before(() => {
    rows = partRows(readFileSync(path.join(REPO_ROOT, "README.md"), "utf8"));
  });

  it("lists the parts of the picture", () => {
    expect(rows.map((r) => r.part)).to.include.members(["stream", "ingest", "processing", "local"]);
  });

  it("links each part's folders by the part's own name, and they exist", () => {
    for (const row of rows) {
      expect(row.infra ?? row.runtime, `${row.part} has no folder`).not.to.equal(undefined);
      for (const side of ["infra", "runtime"] as const) {
        const link = row[side];
        if (link === undefined) continue;
        expect(link, `${row.part}'s ${side} folder`).to.equal(`${side}/${row.part}/`);
        expect(existsSync(path.join(REPO_ROOT, link)), `${link} exists`).to.equal(true);
      }
    }
  });

  it("links each part's page, which exists", () => {
    for (const row of rows) {
      expect(row.docs, `${row.part} has a page`).to.match(/^docs\/[a-z-]+\.md(#[a-z0-9-]+)?$/);
      expect(existsSync(path.join(REPO_ROOT, row.docs!.split("#")[0])), `${row.docs} exists`).to.equal(true);
    }
  });

  it("holds every folder of infra/ and runtime/ but the shared ones", () => {
    for (const side of ["infra", "runtime"] as const) {
      const listed = rows.filter((r) => r[side] !== undefined).map((r) => r.part);
      expect(
        folders(side)
          .filter((name) => !SHARED_FOLDERS[side].includes(name))
          .sort(),
        side,
      ).to.deep.equal([...listed].sort());
      for (const shared of SHARED_FOLDERS[side]) {
        expect(existsSync(path.join(REPO_ROOT, side, shared)), `${side}/${shared} is still there`).to.equal(true);
      }
    }
  });
});
