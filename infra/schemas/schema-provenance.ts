/**
 * Where each schema file's text comes from, worked out by the program at `pulumi up` (the
 * function it hands this to runs in Lambda, far from the repository): the file, the SHA-256
 * of its text, and the last commit that changed it. A file that differs from its last commit
 * (or was never committed) is "uncommitted"; outside a git checkout, or without git, the
 * commit is "unknown".
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { SchemaProvenance, UNCOMMITTED, UNKNOWN_COMMIT } from "../../runtime/schemas/setup-input";

/** A git that does not answer in this time is as good as none: the commit is "unknown". */
const GIT_TIMEOUT_MS = 10_000;

/** `file` is absolute, inside `repoRoot` (the folder holding schemas/); `text` its content as read. */
export function schemaProvenance(repoRoot: string, file: string, text: string): SchemaProvenance {
  const relative = path.relative(repoRoot, file).split(path.sep).join("/");
  return {
    file: relative,
    fileSha256: createHash("sha256").update(text, "utf8").digest("hex"),
    commit: lastCommit(repoRoot, relative),
  };
}

function lastCommit(repoRoot: string, relative: string): string {
  const git = (args: string[]) =>
    execFileSync("git", args, {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: GIT_TIMEOUT_MS,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  try {
    if (git(["rev-parse", "--is-inside-work-tree"]) !== "true") return UNKNOWN_COMMIT;
    // Modified, staged or untracked: the text is not a commit's.
    if (git(["status", "--porcelain", "--", relative]) !== "") return UNCOMMITTED;
    return git(["log", "-1", "--format=%H", "--", relative]) || UNCOMMITTED;
  } catch {
    return UNKNOWN_COMMIT;
  }
}
