/**
 * The tag of the services' image: a hash of what the image is built from, so each build
 * that differs gets a tag of its own. The repository's tags are immutable, and awsx's
 * `ecr.Image` otherwise tags every build `<sha1 of the context's path and the stack>-container`
 * (pulumi-awsx awsx/ecr/image.ts, createUniqueImageName): the same tag for every build,
 * which an immutable repository refuses the second time ("ImageTagAlreadyExistsException").
 *
 * What an image is built from: the Dockerfile, the platform, and every file its COPY
 * instructions take from the build context (read from the Dockerfile itself, so a new
 * COPY is hashed without anyone remembering to list it). Files the context holds but no
 * COPY takes do not change the tag; `.dockerignore` is not applied, so a file it leaves
 * out at most makes a new tag for the same image, never the same tag for a new one.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** ECR tags: at most 128 of [A-Za-z0-9_.-] (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html). */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface BuildFile {
  /** Path relative to the build context, with "/" separators. */
  path: string;
  content: Buffer;
}

/** The context paths a Dockerfile's COPY (and ADD) instructions take, not those from a stage. */
export function copiedSources(dockerfile: string): string[] {
  const sources: string[] = [];
  for (const line of dockerfile.split("\n").map((l) => l.trim())) {
    if (!/^(COPY|ADD)\s/i.test(line)) continue;
    const words = line.split(/\s+/).slice(1);
    if (words.some((w) => w.startsWith("--from="))) continue;
    const paths = words.filter((w) => !w.startsWith("--"));
    const from = paths.slice(0, -1);
    if (paths.length < 2 || line.endsWith("\\") || from.some((p) => /[*?[\]"]|:\/\//.test(p))) {
      throw new Error(
        `the image tag cannot tell which files "${line}" copies: write it on one line with plain context paths (no JSON form, wildcards or URLs)`,
      );
    }
    sources.push(...from.map((p) => path.posix.normalize(p).replace(/\/$/, "")));
  }
  return [...new Set(sources)];
}

/** The tag for a build of these files with this Dockerfile for this platform. */
export function imageTag(dockerfile: string, platform: string, files: BuildFile[]): string {
  const hash = createHash("sha256").update(`platform ${platform}\n`).update(`Dockerfile ${dockerfile.length}\n`);
  hash.update(dockerfile);
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    // Name and length before the bytes: no two different file sets hash the same stream.
    hash.update(`\nfile ${file.path} ${file.content.length}\n`).update(file.content);
  }
  return `src-${hash.digest("hex").slice(0, 32)}`;
}

/** Every file under `source` (a file or a folder of the context), relative to the context. */
function filesUnder(context: string, source: string): BuildFile[] {
  const full = path.join(context, source);
  if (statSync(full).isFile()) return [{ path: source, content: readFileSync(full) }];
  return readdirSync(full)
    .sort()
    .flatMap((entry) => filesUnder(context, path.posix.join(source, entry)));
}

/** The tag of the image the Dockerfile at `dockerfilePath` builds from `context`. */
export function contextImageTag(context: string, dockerfilePath: string, platform: string): string {
  const dockerfile = readFileSync(dockerfilePath, "utf8");
  const files = copiedSources(dockerfile).flatMap((source) => filesUnder(context, source));
  return imageTag(dockerfile, platform, files);
}
