/**
 * Every relative link of the user's documentation (README.md, docs/, bench/README.md) leads
 * somewhere: to a file or folder of the repository and, for a page with an anchor, to one
 * of its headings. A page renamed or a heading reworded fails here.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../runtime/common/repo-root";
import { headingAnchors, linkTargets } from "../../harness/markdown";

const PAGES = [
  "README.md",
  "bench/README.md",
  ...readdirSync(path.join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** What is wrong with `target` as a link of `page`: undefined when it resolves. */
function brokenLink(page: string, target: string): string | undefined {
  if (/^[a-z]+:/i.test(target)) return undefined; // https:, mailto:: not ours to check offline
  const [file, anchor] = target.split("#");
  const resolved = file === "" ? path.join(REPO_ROOT, page) : path.join(REPO_ROOT, path.dirname(page), file);
  if (!resolved.startsWith(REPO_ROOT)) return `${target} leaves the repository`;
  if (!existsSync(resolved)) return `${target}: no such file`;
  if (anchor === undefined) return undefined;
  if (!statSync(resolved).isFile() || !resolved.endsWith(".md")) return `${target}: an anchor on a non-page`;
  return headingAnchors(readFileSync(resolved, "utf8")).has(anchor) ? undefined : `${target}: no heading #${anchor}`;
}

describe("links of the documentation", () => {
  it("reads the pages it checks", () => {
    expect(PAGES).to.include.members(["README.md", "docs/local.md", "docs/deploy.md", "docs/config.md"]);
  });

  for (const page of PAGES) {
    it(`${page}: every relative link resolves`, () => {
      const text = readFileSync(path.join(REPO_ROOT, page), "utf8");
      const broken = linkTargets(text)
        .map((target) => brokenLink(page, target))
        .filter((problem) => problem !== undefined);
      expect(broken).to.deep.equal([]);
    });
  }

  describe("the checker", () => {
    it("finds links and images outside code, and headings' anchors as GitHub writes them", () => {
      expect(linkTargets("a [x](a.md) ![y](b.png) `[z](c.md)`\n```\n[w](d.md)\n```\n")).to.deep.equal([
        "a.md",
        "b.png",
      ]);
      expect([...headingAnchors("# What `npm start` runs\n## On AWS\n## On AWS\n")]).to.deep.equal([
        "what-npm-start-runs",
        "on-aws",
        "on-aws-1",
      ]);
    });

    it("names a missing file, a missing heading and a link out of the repository", () => {
      expect(brokenLink("docs/local.md", "nowhere.md")).to.equal("nowhere.md: no such file");
      expect(brokenLink("docs/local.md", "ingest.md#no-such-heading")).to.equal(
        "ingest.md#no-such-heading: no heading #no-such-heading",
      );
      expect(brokenLink("README.md", "../elsewhere.md")).to.equal("../elsewhere.md leaves the repository");
      expect(brokenLink("docs/local.md", "ingest.md#on-aws")).to.equal(undefined);
      expect(brokenLink("docs/local.md", "https://example.com/x")).to.equal(undefined);
    });
  });
});
