/**
 * The settings tables of the parts' pages, from their contracts (runtime/contracts.ts): each
 * deployable part's environment, with every variable's default, what it allows and what it
 * does, as the part reads it. `npm run docs` writes each table between its markers on the
 * part's page, so a variable added, renamed or reworded in a contract and not on its page
 * fails tests/unit/docs/generated-sections.test.ts.
 */
import { AnyContract, isPlatformSet, PartName, PlatformVariable } from "../runtime/common/contract";
import { EnvVar } from "../runtime/common/env";
import { CONTRACTS } from "../runtime/contracts";
import { DocSection } from "./doc-section";
import { markdownTable } from "./markdown-table";
import { PART_PAGES, PARTS } from "./part-pages";

/** A variable's default as the table shows it. */
export function shownDefault(variable: EnvVar<unknown>): string {
  if (isPlatformSet(variable)) return `(set by ${(variable as PlatformVariable<unknown>).setBy})`;
  if (variable.default === undefined) return "(required)";
  return variable.default === "" ? "(none)" : `\`${variable.default}\``;
}

/**
 * The part's environment as a table: variable, default, what is allowed, what it does. A
 * Flink application reads application properties, not environment variables.
 */
export function settingsTable(contract: AnyContract): string {
  return markdownTable(
    [contract.entry.kind === "flink" ? "property" : "variable", "default", "allowed", "what it does"],
    Object.entries<EnvVar<unknown>>(contract.variables).map(([name, variable]) => [
      `\`${name}\``,
      shownDefault(variable),
      variable.allowed,
      variable.purpose,
    ]),
  );
}

/** The section of a part's settings on its page, between markers that name its contract's module. */
export function settingsSection(part: PartName): DocSection {
  return {
    page: PART_PAGES[part].page,
    start: `<!-- settings of ${part}: npm run docs writes them from ${PART_PAGES[part].contract} -->`,
    end: `<!-- end of the settings of ${part} -->`,
    body: () => settingsTable(CONTRACTS[part]),
  };
}

export const SETTINGS_SECTIONS: readonly DocSection[] = PARTS.map(settingsSection);
