/**
 * The settings tables of the parts' pages list exactly the variables each program reads:
 * the same guard the config reference has (config-declarations.test.ts), for the environment.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { CONSUMER_VARIABLES } from "../../../runtime/processing/settings";
import { LOCAL_VARIABLES } from "../../../runtime/local/local-env";
import { INGEST_VARIABLES } from "../../../runtime/ingest/settings";
import { tableRows } from "../../harness/markdown";

/** The variable names of the table between a page's settings markers: every `NAME` in each row's first cell. */
function settingsTable(page: string, part: string): string[] {
  const text = readFileSync(path.join(REPO_ROOT, page), "utf8");
  const start = text.indexOf(`<!-- settings of ${part}:`);
  const end = text.indexOf(`<!-- end of the settings of ${part} -->`);
  if (start < 0 || end < start) throw new Error(`${page} has no settings of ${part}`);
  return tableRows(text.slice(start, end))
    .flatMap(([cell]) => [...cell.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]))
    .sort();
}

describe("settings tables of the parts' pages", () => {
  const cases: [string, string, string, string[]][] = [
    ["the ingest service", "docs/ingest.md", "ingest", Object.keys(INGEST_VARIABLES)],
    ["the processing workers", "docs/processing.md", "processing", Object.keys(CONSUMER_VARIABLES)],
    ["npm start", "docs/local.md", "local", Object.keys(LOCAL_VARIABLES)],
  ];
  for (const [program, page, part, variables] of cases) {
    it(`${program} (${page}): every variable it reads, and no other`, () => {
      expect(settingsTable(page, part)).to.deep.equal([...variables].sort());
    });
  }
});
