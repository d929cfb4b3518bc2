/**
 * The settings tables of the parts' pages list exactly the variables each part's contract
 * reads (runtime/contracts.ts): the same guard the config reference has
 * (config-declarations.test.ts), for the environment. The tables are written from the
 * contracts (`npm run docs`); generated-sections.test.ts holds their text, this test what
 * a reader looks up in them.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PartName } from "../../../runtime/common/contract";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { CONTRACTS } from "../../../runtime/contracts";
import { CONSUMER_VARIABLES } from "../../../runtime/processing/service-contract";
import { LOCAL_VARIABLES } from "../../../runtime/local/local-env";
import { INGEST_VARIABLES } from "../../../runtime/ingest/contract";
import { sectionText } from "../../../tools/doc-section";
import { PART_PAGES } from "../../../tools/part-pages";
import { settingsSection, SETTINGS_SECTIONS } from "../../../tools/settings-doc";
import { tableRows } from "../../harness/markdown";

const PARTS = Object.keys(CONTRACTS) as PartName[];

/** The variable names of a part's settings table on its page: every `NAME` in each row's first cell. */
function settingsTable(part: PartName): string[] {
  const section = settingsSection(part);
  const text = sectionText(section, readFileSync(path.join(REPO_ROOT, section.page), "utf8"));
  return tableRows(text)
    .flatMap(([cell]) => [...cell.matchAll(/`([A-Za-z0-9_]+)`/g)].map((m) => m[1]))
    .sort();
}

describe("settings tables of the parts' pages", () => {
  const cases: [string, PartName, string, string[]][] = [
    ["the ingest service", "ingest", "docs/ingest.md", Object.keys(INGEST_VARIABLES)],
    ["the processing workers", "processing", "docs/processing.md", Object.keys(CONSUMER_VARIABLES)],
    ["npm start", "local", "docs/local.md", Object.keys(LOCAL_VARIABLES)],
  ];
  for (const [program, part, page, variables] of cases) {
    it(`${program} (${page}): every variable it reads, and no other`, () => {
      expect(PART_PAGES[part].page).to.equal(page);
      expect(settingsTable(part)).to.deep.equal([...variables].sort());
    });
  }

  it("every part with a contract has its table on its page, listing what the contract reads", () => {
    expect(SETTINGS_SECTIONS.map((s) => s.start)).to.have.length(PARTS.length);
    for (const part of PARTS) {
      expect(settingsTable(part), part).to.deep.equal(Object.keys(CONTRACTS[part].variables).sort());
    }
  });

  it("each table's marker names the module its contract is in", () => {
    for (const part of PARTS) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exports = require(path.join(REPO_ROOT, PART_PAGES[part].contract)) as Record<string, unknown>;
      expect(Object.values(exports), `${PART_PAGES[part].contract} exports ${part}'s contract`).to.include(
        CONTRACTS[part],
      );
    }
  });
});
