import { expect } from "chai";
import { readFileSync } from "node:fs";
import { BuildFile, contextImageTag, copiedSources, IMAGE_TAG, imageTag } from "../../../infra/common/image-tag";
import { BUILD_CONTEXT, DOCKERFILE, PLATFORM } from "../../../infra/common/service-image";
import { runPipeline } from "../../harness/pulumi";

const file = (path: string, text: string): BuildFile => ({ path, content: Buffer.from(text) });

describe("service image", () => {
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    run = await runPipeline();
  });

  it("lives in a repository whose tags are immutable", () => {
    expect(run.recorded.one("aws:ecr/repository:Repository").inputs.imageTagMutability).to.equal("IMMUTABLE");
  });

  it("is pushed with a tag hashed from what it is built from (awsx's own tag would be the same every build)", () => {
    const image = run.recorded.one("awsx:ecr:Image");
    expect(image.inputs.imageTag).to.equal(contextImageTag(BUILD_CONTEXT, DOCKERFILE, PLATFORM));
    expect(image.inputs.imageTag)
      .to.match(IMAGE_TAG)
      .and.match(/^src-[0-9a-f]{32}$/);
  });

  it("hashes exactly the context paths the Dockerfile copies", () => {
    expect(copiedSources(readFileSync(DOCKERFILE, "utf8"))).to.deep.equal([
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "runtime",
      "schemas",
      "data/nyc-taxi",
    ]);
  });

  describe("the tag", () => {
    const dockerfile = "FROM node:22\nCOPY runtime ./runtime\n";
    const files = [file("runtime/a.ts", "a"), file("runtime/b.ts", "b")];
    const tag = imageTag(dockerfile, "linux/amd64", files);

    it("is the same for the same build, whatever order the files come in", () => {
      expect(imageTag(dockerfile, "linux/amd64", [...files].reverse())).to.equal(tag);
    });

    it("changes with any file's content, a file's name, a new file, the Dockerfile or the platform", () => {
      const variants = [
        imageTag(dockerfile, "linux/amd64", [file("runtime/a.ts", "a"), file("runtime/b.ts", "B")]),
        imageTag(dockerfile, "linux/amd64", [file("runtime/a.ts", "a"), file("runtime/c.ts", "b")]),
        imageTag(dockerfile, "linux/amd64", [...files, file("runtime/c.ts", "")]),
        imageTag(`${dockerfile}USER node\n`, "linux/amd64", files),
        imageTag(dockerfile, "linux/arm64", files),
        // Bytes moved from one file to the next: the lengths keep the streams apart.
        imageTag(dockerfile, "linux/amd64", [file("runtime/a.ts", "ab"), file("runtime/b.ts", "")]),
      ];
      expect(new Set([tag, ...variants]).size).to.equal(variants.length + 1);
    });
  });

  describe("reading COPY sources", () => {
    it("skips copies from a build stage and flags like --chown", () => {
      expect(
        copiedSources(
          "COPY package.json package-lock.json ./\nCOPY --from=build /app/dist ./dist\nCOPY --chown=node:node schemas/ ./schemas\nADD data/x.csv /d/\n",
        ),
      ).to.deep.equal(["package.json", "package-lock.json", "schemas", "data/x.csv"]);
    });

    for (const line of [
      'COPY ["a.json", "./"]',
      "COPY src/*.ts ./src/",
      "ADD https://example.com/x.jar /x.jar",
      "COPY a \\",
    ]) {
      it(`refuses ${line} (it cannot tell which files it takes)`, () => {
        expect(() => copiedSources(`FROM node:22\n${line}\n`)).to.throw(/the image tag cannot tell which files/);
      });
    }
  });
});
