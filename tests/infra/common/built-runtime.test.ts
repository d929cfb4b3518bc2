import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { staleRuntimeSources } from "../../../infra/common/built-runtime";

describe("the compiled runtime's freshness (what the Lambdas ship and the tests start)", () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), "built-runtime-"))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, secondsAgo: number) => {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "");
    const at = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(file, at, at);
  };

  it("names sources (.ts and copied .js) whose compiled file is missing or older, and nothing else", () => {
    write("runtime/fresh.ts", 60);
    write("dist/runtime/fresh.js", 30);
    write("runtime/local/edited.ts", 10);
    write("dist/runtime/local/edited.js", 30);
    write("runtime/never-built.ts", 60);
    write("runtime/local/guard.js", 10);
    write("dist/runtime/local/guard.js", 30);
    write("runtime/types.d.ts", 10);
    write("runtime/page/data.json", 10);
    expect(staleRuntimeSources(root).sort()).to.deep.equal([
      path.join("runtime", "local", "edited.ts"),
      path.join("runtime", "local", "guard.js"),
      path.join("runtime", "never-built.ts"),
    ]);
  });
});
