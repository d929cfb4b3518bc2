/**
 * Mocha root hooks (.mocharc.cjs `require`): switches the AWS call trace on for the whole
 * test run, before any test file is loaded, into a fresh test-artifacts/aws-calls/. This
 * process's clients and every child process a test starts (which gets callTraceEnv())
 * record their calls there; the IAM check (tests/iam/roles.check.ts) reads them last.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { CALL_TRACE_DIR, CALL_TRACE_RUN, forgetPart } from "../../runtime/common/aws/call-trace";
import { TRACE_DIR, TRACE_RUN_FILE } from "./call-trace-files";

const run = randomUUID();
rmSync(TRACE_DIR, { recursive: true, force: true });
mkdirSync(TRACE_DIR, { recursive: true });
writeFileSync(
  path.join(TRACE_DIR, TRACE_RUN_FILE),
  `${JSON.stringify({ run, startedAt: new Date().toISOString() })}\n`,
);
process.env[CALL_TRACE_DIR] = TRACE_DIR;
process.env[CALL_TRACE_RUN] = run;

export const mochaHooks = {
  /** A handler test says which part it runs; the next test's own calls are nobody's. */
  afterEach(): void {
    forgetPart();
  },
};
