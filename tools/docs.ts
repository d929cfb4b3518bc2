/**
 * `npm run docs`: rewrites every generated section of the pages under docs/ from the code
 * it documents (tools/doc-section.ts): the metric table, the config reference, and each
 * part's settings and metrics from its contract, formatted as Prettier formats the pages. A test
 * (tests/unit/docs/generated-sections.test.ts) fails while a page differs from what this writes.
 */
import { CONFIG_SECTION } from "./config-doc";
import { DocSection, runTool, writeSections } from "./doc-section";
import { METRICS_SECTION } from "./metrics-doc";
import { PART_METRICS_SECTIONS } from "./part-metrics-doc";
import { SETTINGS_SECTIONS } from "./settings-doc";

export const DOC_SECTIONS: readonly DocSection[] = [
  METRICS_SECTION,
  CONFIG_SECTION,
  ...SETTINGS_SECTIONS,
  ...PART_METRICS_SECTIONS,
];

if (require.main === module) {
  runTool(async () => {
    for (const page of await writeSections(DOC_SECTIONS)) console.log(`wrote ${page}`);
  });
}
