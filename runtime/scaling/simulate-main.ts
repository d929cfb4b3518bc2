/**
 * `npm run simulate:scaling -- [--trace <step|spiky|diurnal|nab>] [--target <0.3..0.7>] [--json] [--chart <file.svg>]`:
 * drives both scaling policies through a load trace (simulator.ts), twice: the right-sizing
 * shard policy and the reference's doubling one (policy-comparison.ts). Prints the
 * right-sizing run's scaling events, then per policy: minutes over capacity, shard-hours,
 * KPU-hours, flaps and their cost in us-east-1 (with an on-demand stream's for the same
 * trace). Without --trace, all four traces and one comparison table. Writes each trace's
 * chart (both policies' shards) to docs/scaling/<trace>.svg unless --chart names another file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { priceSheet } from "../cost/price-table";
import { REPO_ROOT } from "../common/repo-root";
import { runService } from "../common/service-lifecycle";
import { UsageError } from "../common/usage-error";
import { chartSvg } from "./chart-svg";
import { comparePolicies, PolicyComparison, PolicyRun } from "./policy-comparison";
import { SHARD_SCALING_DEFAULTS, TARGET_USAGE_RANGE } from "./shard-policy";
import { trace, TRACE_NAMES, TraceName } from "./traces";

const USAGE = `usage: npm run simulate:scaling -- [--trace <${TRACE_NAMES.join("|")}>] [--target <${TARGET_USAGE_RANGE.min}..${TARGET_USAGE_RANGE.max}>] [--json] [--chart <file.svg>]`;
/** The simulator prices its runs in the region of the dev stack. */
const PRICE_REGION = "us-east-1";

function summary(run: PolicyRun) {
  const r = run.result;
  return {
    policy: run.stepping === "to-target" ? "right-sizing" : "doubling",
    shardChanges: r.events.filter((e) => e.scaler === "shards").length,
    flinkChanges: r.events.filter((e) => e.scaler === "flink").length,
    minutesOverCapacity: r.minutesOverCapacity,
    shardHours: round(r.shardHours, 1),
    kpuHours: round(r.kpuHours, 1),
    flaps: r.flaps,
    maxIteratorAgeSeconds: Math.round(r.maxIteratorAgeMs / 1000),
    usd: {
      shards: round(run.cost.shardsUsd, 2),
      putPayloadUnits: round(run.cost.putUnitsUsd, 2),
      kpus: round(run.cost.kpusUsd, 2),
      total: round(run.cost.provisionedTotalUsd, 2),
      onDemandStream: round(run.cost.onDemandStreamUsd, 2),
      onDemandTotal: round(run.cost.onDemandTotalUsd, 2),
    },
  };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function tableRows(name: TraceName, c: PolicyComparison): string[] {
  return [c.rightSizing, c.doubling].map((run) => {
    const s = summary(run);
    return `| ${name} | ${s.policy} | ${s.shardHours} | $${s.usd.shards.toFixed(2)} | ${s.minutesOverCapacity} | ${s.flaps} | ${s.shardChanges} | $${s.usd.kpus.toFixed(2)} | $${s.usd.total.toFixed(2)} | $${s.usd.onDemandTotal.toFixed(2)} |`;
  });
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        trace: { type: "string" },
        target: { type: "string" },
        json: { type: "boolean" },
        chart: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.trace !== undefined && !TRACE_NAMES.includes(values.trace as TraceName)) {
    throw new UsageError(`--trace is ${JSON.stringify(values.trace)}, allowed: ${TRACE_NAMES.join(", ")}\n${USAGE}`);
  }
  const targetUsage = values.target === undefined ? SHARD_SCALING_DEFAULTS.targetUsage : Number(values.target);
  if (!(targetUsage >= TARGET_USAGE_RANGE.min && targetUsage <= TARGET_USAGE_RANGE.max)) {
    throw new UsageError(
      `--target is ${JSON.stringify(values.target)}, allowed: a usage factor from ${TARGET_USAGE_RANGE.min} to ${TARGET_USAGE_RANGE.max}\n${USAGE}`,
    );
  }
  const names = values.trace ? [values.trace as TraceName] : [...TRACE_NAMES];
  if (values.chart && names.length > 1) throw new UsageError(`--chart needs --trace (one chart per trace)\n${USAGE}`);
  const prices = priceSheet(PRICE_REGION).prices;
  const results = names.map((name) => {
    const t = trace(name);
    const comparison = comparePolicies(t.recordsPerSecond, prices, { targetUsage });
    const chart = values.chart ?? path.join(REPO_ROOT, "docs", "scaling", `${t.name}.svg`);
    mkdirSync(path.dirname(chart), { recursive: true });
    writeFileSync(
      chart,
      chartSvg(`${t.name}: ${t.description}`, comparison.rightSizing.result, {
        label: "doubling policy",
        result: comparison.doubling.result,
      }),
    );
    return { t, comparison, chart: path.relative(process.cwd(), chart) };
  });

  if (values.json) {
    const doc = results.map(({ t, comparison, chart }) => ({
      trace: t.name,
      description: t.description,
      hours: t.recordsPerSecond.length / 60,
      targetUsage,
      priceRegion: PRICE_REGION,
      shardHoursSaved: round(comparison.shardHoursSaved, 3),
      rightSizing: { ...summary(comparison.rightSizing), events: comparison.rightSizing.result.events },
      doubling: summary(comparison.doubling),
      chart,
    }));
    console.log(JSON.stringify(names.length === 1 ? doc[0] : doc, null, 2));
    return;
  }
  if (names.length === 1) {
    for (const e of results[0].comparison.rightSizing.result.events) {
      console.log(
        `${String(Math.floor(e.minute / 60)).padStart(4)}h${String(e.minute % 60).padStart(2, "0")}  ${e.scaler.padEnd(6)} ${e.from} -> ${e.to}  ${e.reason}`,
      );
    }
  }
  console.log(
    `\nShard policies on ${names.join(", ")} (target usage ${targetUsage}; ${PRICE_REGION} prices; dollars for the whole trace):\n`,
  );
  console.log(
    "| trace | policy | shard-hours | shards $ | minutes over capacity | flaps | shard changes | Flink KPUs $ | provisioned total $ | on-demand stream + KPUs $ |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const { t, comparison } of results) for (const row of tableRows(t.name, comparison)) console.log(row);
  console.log("");
  for (const { t, comparison, chart } of results) {
    console.log(`${t.name}: ${(comparison.shardHoursSaved * 100).toFixed(1)}% fewer shard-hours; chart ${chart}`);
  }
}

runService("simulate:scaling", main);
