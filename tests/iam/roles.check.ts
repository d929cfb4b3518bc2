/**
 * The IAM check, run by `npm test` after every other test (the last entry of .mocharc.cjs's
 * spec): it reads the AWS calls the tests recorded (test-artifacts/aws-calls/, written by
 * the root hook tests/harness/call-trace-hook.ts) and holds them against the roles of the
 * stacks below, which together create every role the program can create. See docs/iam.md.
 */
import { expect } from "chai";

import { PartName, TracedCall } from "../../runtime/common/aws/call-trace";
import { CONTRACTS } from "../../runtime/contracts";
import { readTrace, Trace, TRACE_DIR } from "../harness/call-trace-files";
import { undeclaredCalls } from "./declared-calls";
import { CHECKED_STACKS, DEPLOYED_PARTS, isDeployed, whyNothingRecorded } from "./parts";
import { planStack, PlanView } from "./plan-view";
import { checkStack } from "./role-check";

describe("IAM: every role allows the calls its part makes, and grants nothing else without a reason", function () {
  this.timeout(300_000);
  let trace: Trace;
  const plans: PlanView[] = [];
  /** Per part, every setting any checked stack gives it. */
  const planSettings = new Map<PartName, Set<string>>();

  before(async function () {
    const suite = this.test!.parent!;
    const root = suite.parent!;
    if (root.suites[root.suites.length - 1] !== suite) {
      throw new Error(
        "the IAM check must run after every other test: keep tests/iam/roles.check.ts the last entry of .mocharc.cjs's spec",
      );
    }
    const found = readTrace();
    if (!found || found.run !== process.env.AWS_CALL_TRACE_RUN) {
      throw new Error(
        `no AWS call trace of this test run in ${TRACE_DIR}: the check runs as the last part of \`npm test\`, ` +
          "whose root hook (tests/harness/call-trace-hook.ts, in .mocharc.cjs's require) records the calls",
      );
    }
    trace = found;
    for (const stack of CHECKED_STACKS) {
      const plan = await planStack(stack.name, stack.config);
      plans.push(plan);
      for (const d of plan.deployables) {
        if (!d.part) continue;
        const settings = planSettings.get(d.part) ?? new Set<string>();
        Object.keys(d.env).forEach((k) => settings.add(k));
        planSettings.set(d.part, settings);
      }
    }
  });

  it("the trace is this run's, and every part that made calls has a contract", () => {
    const stale = trace.calls.filter((c) => c.run !== trace.run);
    expect(stale.length, `calls of another run in ${TRACE_DIR}`).to.equal(0);
    const unknown = [...new Set(trace.calls.map((c) => c.part))].filter(
      (p): p is PartName => p !== null && CONTRACTS[p] === undefined,
    );
    expect(unknown, "parts that made AWS calls but runtime/contracts.ts does not know").to.deep.equal([]);
  });

  it("every deployed part runs in some checked stack, and every one that calls AWS was recorded doing so", () => {
    const planned = new Set(plans.flatMap((p) => p.deployables.map((d) => d.part)));
    const unplanned = DEPLOYED_PARTS.map((c) => c.part).filter((p) => !planned.has(p));
    expect(unplanned, "parts no stack of CHECKED_STACKS deploys: add a stack that does").to.deep.equal([]);
    const recorded = new Set(trace.calls.map((c) => c.part));
    const silent = DEPLOYED_PARTS.filter((c) => !recorded.has(c.part) && whyNothingRecorded(c) === undefined).map(
      (c) => c.part,
    );
    expect(silent, "deployed parts no test ran with their real clients").to.deep.equal([]);
  });

  it("every recorded call of a deployed part is one its contract declares", () => {
    const problems = undeclaredCalls(trace.calls);
    expect(problems, `\n${problems.join("\n")}\n`).to.deep.equal([]);
  });

  CHECKED_STACKS.forEach((stack, i) => {
    it(`${stack.name}: every recorded call allowed, every grant used or explained`, async () => {
      const calls: TracedCall[] = trace.calls.filter((c) => isDeployed(c.part));
      const result = await checkStack(plans[i], calls, planSettings);
      console.log(
        `      ${result.calls} recorded calls of ${plans[i].deployables.filter((d) => d.part).length} parts, ` +
          `${result.requests} IAM requests simulated against ${plans[i].roles.length} roles`,
      );
      expect(result.problems, `\n${result.problems.join("\n")}\n`).to.deep.equal([]);
    });
  });
});
