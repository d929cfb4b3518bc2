/**
 * `npm run simulate:scaling -- --trace <step|spiky|diurnal|nab> [--json] [--chart <file.svg>]`:
 * drives both scaling policies through a load trace (simulator.ts) and prints the scaling
 * events, minutes over capacity, shard-hours, KPU-hours and flaps; writes the chart to
 * docs/scaling/<trace>.svg unless --chart names another file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../common/repo-root";
import { runService } from "../common/service-lifecycle";
import { UsageError } from "../common/usage-error";
import { chartSvg } from "./chart-svg";
import { FLINK_SCALING_DEFAULTS } from "./flink-policy";
import { SHARD_SCALING_DEFAULTS } from "./shard-policy";
import { simulate, SIMULATION_DEFAULTS } from "./simulator";
import { trace, TRACE_NAMES, TraceName } from "./traces";

const USAGE = `usage: npm run simulate:scaling -- --trace <${TRACE_NAMES.join("|")}> [--json] [--chart <file.svg>]`;
/** The bounds the simulation runs the policies with. */
const BOUNDS = { minShards: 1, maxShards: 32, minParallelism: 1, maxParallelism: 32 };

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        trace: { type: "string" },
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
  if (!TRACE_NAMES.includes(values.trace as TraceName)) {
    throw new UsageError(
      `--trace is ${JSON.stringify(values.trace ?? "missing")}, allowed: ${TRACE_NAMES.join(", ")}\n${USAGE}`,
    );
  }
  const t = trace(values.trace as TraceName);
  const result = simulate(t.recordsPerSecond, {
    ...SIMULATION_DEFAULTS,
    shards: { ...SHARD_SCALING_DEFAULTS, minShards: BOUNDS.minShards, maxShards: BOUNDS.maxShards },
    flink: { ...FLINK_SCALING_DEFAULTS, minParallelism: BOUNDS.minParallelism, maxParallelism: BOUNDS.maxParallelism },
  });
  const chart = values.chart ?? path.join(REPO_ROOT, "docs", "scaling", `${t.name}.svg`);
  mkdirSync(path.dirname(chart), { recursive: true });
  writeFileSync(chart, chartSvg(`${t.name}: ${t.description}`, result));
  const summary = {
    trace: t.name,
    description: t.description,
    hours: t.recordsPerSecond.length / 60,
    shardChanges: result.events.filter((e) => e.scaler === "shards").length,
    flinkChanges: result.events.filter((e) => e.scaler === "flink").length,
    minutesOverCapacity: result.minutesOverCapacity,
    shardHours: Number(result.shardHours.toFixed(1)),
    kpuHours: Number(result.kpuHours.toFixed(1)),
    flaps: result.flaps,
    maxIteratorAgeSeconds: Math.round(result.maxIteratorAgeMs / 1000),
    chart: path.relative(process.cwd(), chart),
  };
  if (values.json) {
    console.log(JSON.stringify({ ...summary, events: result.events }, null, 2));
    return;
  }
  for (const e of result.events) {
    console.log(
      `${String(Math.floor(e.minute / 60)).padStart(4)}h${String(e.minute % 60).padStart(2, "0")}  ${e.scaler.padEnd(6)} ${e.from} -> ${e.to}  ${e.reason}`,
    );
  }
  console.log(JSON.stringify(summary));
}

runService("simulate:scaling", main);
