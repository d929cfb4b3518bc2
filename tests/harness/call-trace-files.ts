/**
 * Where the test run's AWS call trace lives (test-artifacts/aws-calls/, gitignored), and
 * reading it back: the run it belongs to and every call, each process's file in turn.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { TracedCall } from "../../runtime/common/aws/call-trace";
import { REPO_ROOT } from "../../runtime/common/repo-root";

export const TRACE_DIR = path.join(REPO_ROOT, "test-artifacts", "aws-calls");
/** Written first by the root hook: which run the trace belongs to. */
export const TRACE_RUN_FILE = "run.json";

export interface Trace {
  run: string;
  startedAt: string;
  calls: TracedCall[];
}

/** The trace in `dir`, or undefined when there is none (the root hook did not run). */
export function readTrace(dir = TRACE_DIR): Trace | undefined {
  const runFile = path.join(dir, TRACE_RUN_FILE);
  if (!existsSync(runFile)) return undefined;
  const { run, startedAt } = JSON.parse(readFileSync(runFile, "utf8")) as { run: string; startedAt: string };
  const calls = readdirSync(dir)
    .filter((name) => /^calls-\d+\.jsonl$/.test(name))
    .sort()
    .flatMap((name) =>
      readFileSync(path.join(dir, name), "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as TracedCall),
    );
  return { run, startedAt, calls };
}
