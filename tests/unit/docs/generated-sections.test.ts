/**
 * The generated sections of docs/ (tools/docs.ts: the metric table, the config reference, each
 * part's settings) are what `npm run docs` writes from the code today: a metric, key or
 * variable added, renamed or reworded there and not in its page fails here.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { DocSection, pageWithSections, sectionText, withSection } from "../../../tools/doc-section";
import { DOC_SECTIONS } from "../../../tools/docs";

const read = (page: string) => readFileSync(path.join(REPO_ROOT, page), "utf8");

describe("generated sections of docs/", () => {
  for (const page of [...new Set(DOC_SECTIONS.map((s) => s.page))]) {
    it(`${page} is as npm run docs writes it`, async () => {
      const text = read(page);
      expect(
        text === (await pageWithSections(page, DOC_SECTIONS, text)),
        `${page} is stale: run npm run docs`,
      ).to.equal(true);
    });
  }

  it("each section is on its page once, between its markers", () => {
    for (const section of DOC_SECTIONS) {
      const text = read(section.page);
      expect(text.split(section.start).length, `${section.start} in ${section.page}`).to.equal(2);
      expect(sectionText(section, text).trim(), section.page).not.to.equal("");
    }
  });

  describe("the markers", () => {
    const section: DocSection = { page: "docs/x.md", start: "<!-- s -->", end: "<!-- e -->", body: () => "| a |" };

    it("replace only the text between them", () => {
      expect(withSection(section, "head\n<!-- s -->\nold\n<!-- e -->\ntail\n")).to.equal(
        "head\n<!-- s -->\n\n| a |\n\n<!-- e -->\ntail\n",
      );
    });

    it("missing, or in the wrong order, name the page and both markers", () => {
      for (const text of ["no markers", "<!-- e --> <!-- s -->"]) {
        expect(() => withSection(section, text)).to.throw(
          "docs/x.md needs the markers <!-- s --> and, after it, <!-- e -->",
        );
      }
    });
  });
});
