/**
 * Every AWS client of the runtime is built by the factory (runtime/common/aws/aws-client.ts, and
 * search-client.ts for OpenSearch), so each one records its calls for the IAM check: a
 * client constructed anywhere else would make calls the check never sees.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../../runtime/common/repo-root";

/** The two files that may construct a client: the factory, and the OpenSearch client beside it. */
const FACTORIES = ["runtime/common/aws/aws-client.ts", "runtime/common/aws/search-client.ts"];
const CONSTRUCTS_CLIENT = /\bnew\s+(?:[A-Z]\w*)?Client\s*\(/g;

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

describe("AWS clients: built by the factory only", () => {
  it("no file of runtime/ constructs a client but the factory's", () => {
    const constructing = sources("runtime")
      .filter((file) => !FACTORIES.includes(file))
      .flatMap((file) =>
        [...readFileSync(path.join(REPO_ROOT, file), "utf8").matchAll(CONSTRUCTS_CLIENT)].map(
          (m) => `${file}: ${m[0]}`,
        ),
      );
    expect(constructing, "build these with awsClient(Client, config) (runtime/common/aws/aws-client.ts)").to.deep.equal(
      [],
    );
  });
});
