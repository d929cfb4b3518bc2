/**
 * The monthly estimate of a planned stack: every resource of the plan priced by its type's
 * row (resource-prices.ts) with the region's prices and the traffic, grouped by part, with
 * the total, the three biggest items, the resources no row prices, the effect of ingest's
 * aggregation and the stream's two capacity modes side by side. Pure: the plan, the usage
 * and the price sheet in, the estimate out.
 */
import { HOURS_PER_MONTH, Price, PriceKey, PriceSheet } from "../../runtime/cost/price-table";
import { SHARD_SCALING_DEFAULTS } from "../../runtime/scaling/shard-policy";
import { compareModes, ModeComparison, ProvisionedSizing, provisionedShards } from "../../runtime/cost/stream-modes";
import { AggregationEffect, aggregationEffect } from "../../runtime/cost/stream-traffic";
import { PlanDocument } from "../../infra/plan/render";
import { isGrouping, isStreamEndpoint, PRICE_RULES, PricingContext } from "./resource-prices";
import { PlannedResource, PlanView } from "./plan-view";
import { HABITS, Usage } from "./usage";
import { lakeTraffic } from "./lake-traffic";
import { LakeAgainstFirehose, lakeAgainstFirehose } from "./lake-vs-firehose";

export interface CostItem {
  part: string;
  type: string;
  name: string;
  what: string;
  quantity: number;
  unit: string;
  unitUsd: number;
  monthlyUsd: number;
  price: Price & { key: PriceKey };
  assumption?: string;
}

export interface Uncosted {
  part: string;
  type: string;
  name: string;
  why: string;
}

export interface Estimate {
  project: string;
  stack: string;
  region: string;
  pricesChecked: string;
  hoursPerMonth: number;
  usage: Usage;
  habits: typeof HABITS;
  items: CostItem[];
  /** Parts in order of their cost, with their sum. */
  parts: { part: string; monthlyUsd: number }[];
  totalUsd: number;
  biggest: CostItem[];
  /** Resources (or lines of them) no price covers: never counted as free. */
  notPriced: Uncosted[];
  /** Resources that cost nothing by themselves, or whose cost another item holds. */
  free: Uncosted[];
  stream: {
    mode: "PROVISIONED" | "ON_DEMAND";
    shards: number;
    sizedBy: string;
    aggregation: AggregationEffect & { shardsWithout: number; shardsWith: number };
    modes: ModeComparison;
  };
  /** The lake writer against Firehose for the same records, when the plan has the lake. */
  lake?: LakeAgainstFirehose;
}

/** The pipeline's stream (part "stream"), its sizing, and the load the traffic puts on it. */
function streamSizing(view: PlanView, usage: Usage) {
  const stream = view.ofType("aws:kinesis/stream:Stream").find((r) => view.part(r) === "stream");
  if (!stream) throw new Error("the plan has no pipeline stream (a kinesis Stream under the stream part)");
  const i = PlanView.inputs(stream);
  const mode = i.streamModeDetails?.streamMode === "ON_DEMAND" ? ("ON_DEMAND" as const) : ("PROVISIONED" as const);
  const scaler = view
    .ofType("aws:lambda/function:Function")
    .map((fn) => PlanView.environment(fn))
    .find((env) => env.MIN_SHARDS !== undefined && env.MAX_SHARDS !== undefined);
  const sizing: ProvisionedSizing = scaler
    ? {
        scaler: {
          minShards: Number(scaler.MIN_SHARDS),
          maxShards: Number(scaler.MAX_SHARDS),
          // The function's variable, or the policy's default when the stack leaves it unset.
          targetUsage: scaler.TARGET_USAGE_PERCENT
            ? Number(scaler.TARGET_USAGE_PERCENT) / 100
            : SHARD_SCALING_DEFAULTS.targetUsage,
        },
      }
    : { fixedShards: Number(i.shardCount ?? 1) };
  const traffic = {
    recordsPerSecond: usage.recordsPerSecond,
    recordBytes: usage.recordBytes,
    partitionKeyBytes: usage.partitionKeyBytes,
  };
  // One aggregate per shard: the shards shape the aggregates, the aggregates the shards.
  const first = aggregationEffect(traffic, sizing.fixedShards ?? sizing.scaler!.minShards);
  const shards = mode === "ON_DEMAND" ? 0 : provisionedShards(first.with, sizing);
  const effect = aggregationEffect(traffic, Math.max(1, shards));
  const settled = mode === "ON_DEMAND" ? 0 : provisionedShards(effect.with, sizing);
  const sizedBy = sizing.scaler
    ? `the shard scaler's count for this steady traffic (usage to ${Math.round(sizing.scaler.targetUsage * 100)}%, within ${sizing.scaler.minShards}..${sizing.scaler.maxShards})`
    : `shardCount ${sizing.fixedShards}`;
  return { stream, mode, sizing, traffic, effect, shards: settled, sizedBy };
}

export function estimate(doc: PlanDocument, usage: Usage, sheet: PriceSheet): Estimate {
  const view = new PlanView(doc);
  const s = streamSizing(view, usage);
  const services = view.ofType("aws:ecs/service:Service");
  const tasksOf = (part: string) =>
    services.filter((r) => view.part(r) === part).reduce((n, r) => n + Number(PlanView.inputs(r).desiredCount ?? 1), 0);
  const hasFlink = view.ofType("aws:kinesisanalyticsv2/application:Application").length > 0;
  const lake = lakeTraffic(view, usage, s.shards);
  const fargateReaders = ["processing", "lake"].filter((part) => tasksOf(part) > 0).length;
  const ctx: PricingContext = {
    view,
    prices: sheet.prices,
    usage,
    stream: { load: s.effect.with, shards: s.shards, sizedBy: s.sizedBy },
    userBytesPerSecond: usage.recordsPerSecond * usage.recordBytes,
    ingestTasks: tasksOf("ingest"),
    streamClients: tasksOf("ingest") + tasksOf("processing") + tasksOf("lake") + (hasFlink ? 1 : 0),
    fargateReaders,
    streamEndpoint: view.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").some(isStreamEndpoint),
    lake,
  };

  const items: CostItem[] = [];
  const notPriced: Uncosted[] = [];
  const free: Uncosted[] = [];
  const prices = sheet.prices as Record<string, Price>;
  for (const r of view.resources) {
    if (isGrouping(r.type)) continue;
    const part = view.part(r);
    const rule = PRICE_RULES[r.type];
    const where = { part, type: r.type, name: r.name };
    if (!rule) {
      notPriced.push({ ...where, why: "no price rule for this resource type (tools/cost/resource-prices.ts)" });
      continue;
    }
    if (rule.kind !== "priced") {
      free.push({ ...where, why: rule.why });
      continue;
    }
    for (const line of rule.lines(r, ctx)) {
      if ("notPriced" in line) {
        notPriced.push({ ...where, why: line.notPriced });
        continue;
      }
      if ("free" in line) {
        free.push({ ...where, why: line.free });
        continue;
      }
      const price = prices[line.price];
      if (!price) {
        notPriced.push({ ...where, why: `${line.what}: no ${JSON.stringify(line.price)} price for ${sheet.region}` });
        continue;
      }
      items.push({
        ...where,
        what: line.what,
        quantity: line.quantity,
        unit: price.unit,
        unitUsd: price.usd,
        monthlyUsd: line.quantity * price.usd,
        price: { ...price, key: line.price },
        assumption: line.assumption,
      });
    }
  }
  const totalUsd = items.reduce((sum, i) => sum + i.monthlyUsd, 0);
  const byPart = new Map<string, number>();
  for (const i of items) byPart.set(i.part, (byPart.get(i.part) ?? 0) + i.monthlyUsd);
  const parts = [...byPart]
    .map(([part, monthlyUsd]) => ({ part, monthlyUsd }))
    .sort((a, b) => b.monthlyUsd - a.monthlyUsd);
  // Ties (two services of one size) in a stable order: by part, then name.
  const biggest = [...items]
    .sort(
      (a, b) =>
        b.monthlyUsd - a.monthlyUsd ||
        a.part.localeCompare(b.part) ||
        a.name.localeCompare(b.name) ||
        a.what.localeCompare(b.what),
    )
    .slice(0, 3);
  // Processing (service or Lambda), the Flink job and the lake each read the whole stream.
  const readers = 1 + (hasFlink ? 1 : 0) + (lake ? 1 : 0);
  const shardsOf = (load: { fullShards: number }) => load.fullShards;
  return {
    project: doc.project,
    stack: doc.stack,
    region: doc.region,
    pricesChecked: sheet.checked,
    hoursPerMonth: HOURS_PER_MONTH,
    usage,
    habits: HABITS,
    items,
    parts,
    totalUsd,
    biggest,
    notPriced,
    free,
    stream: {
      mode: s.mode,
      shards: s.shards,
      sizedBy: s.sizedBy,
      aggregation: { ...s.effect, shardsWithout: shardsOf(s.effect.without), shardsWith: shardsOf(s.effect.with) },
      modes: compareModes(
        s.traffic,
        s.mode === "ON_DEMAND" ? { fixedShards: Math.max(1, s.effect.with.fullShards) } : s.sizing,
        readers,
        sheet.prices,
      ),
    },
    lake: lake ? lakeAgainstFirehose(items, lake, s.effect.with, usage, sheet, ctx.streamEndpoint) : undefined,
  };
}

export type { PlannedResource };
