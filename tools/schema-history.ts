/**
 * A schema file's versions from git: every committed version, oldest first, then the working
 * tree's, which is the candidate for the next registration.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { SchemaVersionText } from "../runtime/schemas/schema-check";

const GIT_TIMEOUT_MS = 30_000;

function git(repo: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    timeout: GIT_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** `file` is relative to `repo` (the root or a folder inside the work tree), e.g. "schemas/taxi-trip.json". */
export function schemaVersions(repo: string, file: string): SchemaVersionText[] {
  const commits = git(repo, ["log", "--format=%H", "--", file]).split("\n").filter(Boolean).reverse();
  const committed = commits.flatMap((commit) => {
    try {
      return [{ source: `commit ${commit.slice(0, 7)}`, text: git(repo, ["show", `${commit}:./${file}`]) }];
    } catch {
      return []; // the commit that deleted the file
    }
  });
  return [...committed, { source: "working tree", text: readFileSync(path.join(repo, file), "utf8") }];
}

/** Fails with git's own words when `repo` is not inside a git work tree. */
export function assertGitRepository(repo: string): void {
  try {
    git(repo, ["rev-parse", "--is-inside-work-tree"]);
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
    throw new Error(`${repo} is not a git repository (${stderr})`, { cause: error });
  }
}
