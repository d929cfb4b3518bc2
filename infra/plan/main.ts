/**
 * `npm run plan -- [--stack dev] [--json]`: runs the Pulumi program offline, under the
 * same mocks as the tests, with the config of Pulumi.<stack>.yaml, and prints every
 * resource it would create. Like `cdk synth`: reviewable without AWS or the Pulumi CLI.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { planDocument, renderText } from "./render";
import { runProgram } from "./run";
import { readStackConfigFile } from "./stack-config";

const USAGE = "usage: npm run plan -- [--stack <name>] [--json]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      `${USAGE}\n\n  --stack <name>  read Pulumi.<name>.yaml (default dev)\n  --json          one JSON document with every resource's type, name, parent and inputs`,
    );
    return;
  }
  const root = resolve(__dirname, "..", "..");
  const stack = readStackConfigFile(root, values.stack!);
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
  const doc = await planDocument(
    { project: stack.project, stack: stack.stack, region: stack.region },
    mocks.resources,
    outputs,
  );
  console.log(values.json ? JSON.stringify(doc, null, 2) : renderText(doc));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
