/**
 * `npm run plan -- [--stack dev] [--json]`: runs the Pulumi program offline, under the
 * same mocks as the tests, with the config of Pulumi.<stack>.yaml, and prints every
 * resource it would create. Like `cdk synth`: reviewable without AWS or the Pulumi CLI.
 */
import { parseArgs } from "node:util";
import { planStack } from "./plan-stack";
import { renderText } from "./render";

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
  const doc = await planStack(values.stack!);
  console.log(values.json ? JSON.stringify(doc, null, 2) : renderText(doc));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
