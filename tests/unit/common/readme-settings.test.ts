/**
 * The README's settings tables list exactly the variables each program reads: the same
 * guard the config reference has (config-declarations.test.ts), for the environment.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CONSUMER_VARIABLES } from "../../../runtime/processing/service-contract";
import { LOCAL_VARIABLES } from "../../../runtime/local/local-env";
import { INGEST_VARIABLES } from "../../../runtime/ingest/contract";

const README = readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");

/** The variable names of the first table after `marker`: every `NAME` in each row's first cell. */
function tableAfter(marker: string): string[] {
  const start = README.indexOf(marker);
  if (start < 0) throw new Error(`README.md has no "${marker}"`);
  const lines = README.slice(start).split("\n");
  const first = lines.findIndex((l) => l.startsWith("|"));
  const rows = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.split("|")[1]);
  }
  return rows.flatMap((cell) => [...cell.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1])).sort();
}

describe("README settings tables", () => {
  const cases: [string, string, string[]][] = [
    ["ingest service", "Settings (environment variables; the service refuses", Object.keys(INGEST_VARIABLES)],
    [
      "processing workers",
      "Settings (environment variables; `node dist/runtime/processing/main.js --help`",
      Object.keys(CONSUMER_VARIABLES),
    ],
    ["npm start", "Settings come from the environment:", Object.keys(LOCAL_VARIABLES)],
  ];
  for (const [program, marker, variables] of cases) {
    it(`the ${program}: every variable it reads, and no other`, () => {
      expect(tableAfter(marker)).to.deep.equal([...variables].sort());
    });
  }
});
