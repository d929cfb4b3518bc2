/**
 * Every task definition, function environment and Flink property group the plan creates
 * is exactly what its part reads: a variable its contract does not read (a misspelt or
 * renamed one, which the part would never see while it fell back to its default), one the
 * platform sets, or a missing required one fails here, for every stack the IAM check plans
 * (tests/iam/parts.ts CHECKED_STACKS); and the part's own reader accepts every value.
 */
import { expect } from "chai";
import { environmentNameProblems } from "../../../runtime/common/contract";
import { CONTRACTS } from "../../../runtime/contracts";
import { CHECKED_STACKS } from "../../iam/parts";
import { planStack, PlanView } from "../../iam/plan-view";
import { settingsOf } from "./part-settings";

/** A sentence for each way the plan's environments differ from what their parts read. */
function environmentProblems(plan: PlanView): string[] {
  const problems: string[] = [];
  for (const d of plan.deployables) {
    const where = `${d.kind} ${d.name}`;
    if (d.part === undefined) {
      problems.push(`${where} runs no part's entry point (runtime/contracts.ts)`);
      continue;
    }
    const contract = CONTRACTS[d.part];
    const names = environmentNameProblems(contract, Object.keys(d.variables));
    problems.push(...names.map((p) => `${where} (${d.part}): ${p}`));
    if (names.length > 0) continue;
    try {
      settingsOf(contract, d.variables);
    } catch (error) {
      problems.push(`${where} (${d.part}): ${(error as Error).message}`);
    }
  }
  return problems;
}

describe("every environment the stacks hand a part is exactly what its contract reads", function () {
  this.timeout(300_000);

  for (const stack of CHECKED_STACKS) {
    it(stack.name, async () => {
      const plan = await planStack(stack.name, stack.config);
      expect(plan.deployables.filter((d) => d.part).length, "parts the stack runs").to.be.greaterThan(0);
      expect(environmentProblems(plan)).to.deep.equal([]);
    });
  }
});
