/** `--target`: where the replay posts, an ingest URL or the local stack's (read from its stack file). */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";

import { UsageError } from "../../../runtime/common/usage-error";
import { ingestUrlOf, replayApiKeyOf } from "../../../runtime/replay/replay-target";

describe("the replay's target", () => {
  let stateDir: string;
  const env = () => ({ LOCAL_STATE_DIR: stateDir });
  const writeStack = (contents: object) => fs.writeFile(path.join(stateDir, "stack.json"), JSON.stringify(contents));

  beforeEach(async () => (stateDir = await fs.mkdtemp(path.join(os.tmpdir(), "replay-target-test-"))));
  afterEach(() => fs.rm(stateDir, { recursive: true, force: true }));

  async function refusal(): Promise<Error> {
    try {
      await ingestUrlOf({ kind: "local" }, env());
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected a UsageError");
  }

  it("an ingest URL is posted to as given", async () => {
    const url = new URL("http://ingest.example:8080/");
    expect(await ingestUrlOf({ kind: "ingest", url }, env())).to.equal(url);
  });

  it("local: the local stack's ingest API, from its stack file, with the API's routes below it", async () => {
    await writeStack({ kinesisEndpoint: "http://127.0.0.1:4568", ingestUrl: "http://127.0.0.1:8080" });
    const url = await ingestUrlOf({ kind: "local" }, env());
    expect(new URL("batch", url).href).to.equal("http://127.0.0.1:8080/batch");
  });

  it("local without a running stack: a UsageError naming the stack file and how to start one", async () => {
    const error = await refusal();
    expect(error).to.be.instanceOf(UsageError);
    expect(error.message).to.equal(
      `--target local: no local stack is running (no ${path.join(stateDir, "stack.json")}); start one with \`npm start\`, or give an ingest URL`,
    );
  });

  it("local with a stack file that names no ingest API: a UsageError saying so", async () => {
    await writeStack({ kinesisEndpoint: "http://127.0.0.1:4568" });
    const error = await refusal();
    expect(error).to.be.instanceOf(UsageError);
    expect(error.message).to.equal(`--target local: ${path.join(stateDir, "stack.json")} names no ingestUrl`);
  });

  for (const ingestUrl of ["8080", "localhost:8080"]) {
    it(`local with the ingestUrl ${JSON.stringify(ingestUrl)}: a UsageError naming it and what is allowed`, async () => {
      await writeStack({ kinesisEndpoint: "http://127.0.0.1:4568", ingestUrl });
      const error = await refusal();
      expect(error).to.be.instanceOf(UsageError);
      expect(error.message).to.include(
        `names the ingestUrl ${JSON.stringify(ingestUrl)} (allowed: an http:// or https:// URL)`,
      );
    });
  }

  it("its API key: INGEST_API_KEY when set; with local, the stack's replay tenant's; with a URL and none, no key", async () => {
    await writeStack({ kinesisEndpoint: "http://127.0.0.1:4568", replayApiKey: "kp_test_local" });
    const url = { kind: "ingest" as const, url: new URL("http://ingest.example/") };
    expect(await replayApiKeyOf({ kind: "local" }, "kp_live_given", env())).to.equal("kp_live_given");
    expect(await replayApiKeyOf({ kind: "local" }, undefined, env())).to.equal("kp_test_local");
    expect(await replayApiKeyOf(url, undefined, env())).to.equal(undefined);
    await fs.rm(path.join(stateDir, "stack.json"));
    expect(await replayApiKeyOf({ kind: "local" }, undefined, env())).to.equal(undefined);
  });
});
