/**
 * `npm run cost -- --stack <name> [--records-per-second N --record-bytes B --tenants T ...] [--json]`:
 * the monthly estimate of a stack before it is deployed, from the same offline plan as
 * `npm run plan` and the traffic the flags describe (usage.ts), priced with the price table
 * of the stack's region (runtime/cost/price-table.ts).
 */
import { parseArgs } from "node:util";
import { priceSheet } from "../../runtime/cost/price-table";
import { planStack } from "../../infra/plan/plan-stack";
import { estimate } from "./estimate";
import { renderEstimate } from "./render-estimate";
import { readUsage, USAGE_FLAGS } from "./usage";

const USAGE = `usage: npm run cost -- [--stack <name>] ${USAGE_FLAGS.map((f) => `[--${f.flag} N]`).join(" ")} [--json]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
      ...Object.fromEntries(USAGE_FLAGS.map((f) => [f.flag, { type: "string" as const }])),
    },
  });
  if (values.help) {
    console.log(
      [
        USAGE,
        "",
        "  --stack <name>  read Pulumi.<name>.yaml (default dev)",
        ...USAGE_FLAGS.map((f) => `  --${f.flag} N  ${f.meaning} (default ${f.default})`),
        "  --json          the estimate as one JSON document",
      ].join("\n"),
    );
    return;
  }
  const usage = readUsage(values as unknown as Record<string, string | undefined>);
  const doc = await planStack(values.stack as string);
  const sheet = priceSheet(doc.region);
  const e = estimate(doc, usage, sheet);
  console.log(values.json ? JSON.stringify(e, null, 2) : renderEstimate(e));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
