/**
 * No folder import cycles: the folders of runtime/ and infra/ (one per part, and common)
 * import one another in one direction only. In infra/ that direction is config -> parts ->
 * common: infra/config reads each part's limits, rules and config type, and no part reads
 * infra/config; each part's config type lives beside it (infra/<part>/*-config.ts).
 */
import { expect } from "chai";
import { folderCycles, sourceFiles } from "./import-graph";

describe("folder import cycles", () => {
  it("runtime/ and infra/ have none", () => {
    const files = [...sourceFiles("runtime"), ...sourceFiles("infra"), "index.ts"];
    expect(folderCycles(files)).to.deep.equal([]);
  });
});
