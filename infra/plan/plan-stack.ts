/**
 * A stack's offline plan: the program run under the plan mocks with the config of
 * Pulumi.<stack>.yaml, as one document. What `npm run plan` prints and `npm run cost` prices.
 */
import { resolve } from "node:path";
import { planDocument, PlanDocument } from "./render";
import { runProgram } from "./run";
import { readStackConfigFile } from "./stack-config";

export const REPO_ROOT = resolve(__dirname, "..", "..");

export async function planStack(stackName: string, root: string = REPO_ROOT): Promise<PlanDocument> {
  const stack = readStackConfigFile(root, stackName);
  const program = resolve(root, "index.ts");
  const { mocks, outputs } = await runProgram(
    () => {
      delete require.cache[program];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { ...require(program) } as Record<string, unknown>;
    },
    {
      project: stack.project,
      stack: stack.stack,
      region: stack.region,
      config: stack.config,
      secretKeys: stack.secretKeys,
    },
  );
  return planDocument({ project: stack.project, stack: stack.stack, region: stack.region }, mocks.resources, outputs);
}
