/**
 * The stream's monthly cost for a steady traffic in both capacity modes, and the rate where
 * they cost the same. Provisioned: the shards the right-sizing scaler holds for the traffic
 * (or a fixed count) plus PUT payload units; on-demand: the stream-hour plus GB in (records
 * rounded up to 1 KB) and GB out for each reader. Fan-out and retention cost the same in
 * both modes and are left out of the comparison.
 */
import { HOURS_PER_MONTH, RegionPrices } from "./price-table";
import { onDemandBill, priceBill, provisionedBill } from "./stream-bill";
import { aggregationEffect, StreamLoad, Traffic } from "./stream-traffic";
import { loadInShards, shardsAtUsage } from "../stream/shard-sizing";

export interface ProvisionedSizing {
  /** The scaler's bounds and the usage it resizes to; without them the stream has `fixedShards`. */
  scaler?: { minShards: number; maxShards: number; targetUsage: number };
  fixedShards?: number;
}

/** The shards a right-sizing scaler settles on for a steady load: usage at its target, within bounds. */
export function scaledShards(load: StreamLoad, scaler: NonNullable<ProvisionedSizing["scaler"]>): number {
  const wanted = shardsAtUsage(loadInShards(load.kinesisRecordsPerSecond, load.bytesPerSecond), scaler.targetUsage);
  return Math.min(scaler.maxShards, Math.max(scaler.minShards, wanted));
}

export function provisionedShards(load: StreamLoad, sizing: ProvisionedSizing): number {
  if (sizing.scaler) return scaledShards(load, sizing.scaler);
  if (sizing.fixedShards === undefined) throw new Error("a provisioned stream needs a scaler or a fixed shard count");
  return sizing.fixedShards;
}

export interface ModeCost {
  monthlyUsd: number;
  lines: { what: string; quantity: number; unit: string; usd: number }[];
}

export function provisionedMonthly(load: StreamLoad, shards: number, prices: RegionPrices): ModeCost {
  const bill = priceBill(provisionedBill(load, shards), HOURS_PER_MONTH, prices);
  return { monthlyUsd: bill.usd, lines: bill.lines };
}

export function onDemandMonthly(load: StreamLoad, readers: number, prices: RegionPrices): ModeCost {
  const bill = priceBill(onDemandBill(load, readers), HOURS_PER_MONTH, prices);
  return { monthlyUsd: bill.usd, lines: bill.lines };
}

export interface ModeComparison {
  provisioned: ModeCost & { shards: number };
  onDemand: ModeCost;
  /**
   * Records/s (same record shape) where the two cost the same, up to `searchUpTo`: below
   * the first one the cheaper mode at 0 records/s wins. Empty when one mode is cheaper at
   * every rate searched.
   */
  breakEvenRecordsPerSecond: number[];
  cheaperAtZero: "provisioned" | "on-demand";
  searchUpTo: number;
}

/** What the stream would carry at `recordsPerSecond`, aggregated as ingest does. */
function loadAt(traffic: Traffic, recordsPerSecond: number, sizing: ProvisionedSizing) {
  const t = { ...traffic, recordsPerSecond };
  // Aggregation depends on the shards (one aggregate per shard); the shards on the load: two rounds settle it.
  const first = aggregationEffect(t, sizing.fixedShards ?? sizing.scaler?.minShards ?? 1).with;
  const shards = provisionedShards(first, sizing);
  const load = aggregationEffect(t, shards).with;
  return { load, shards: provisionedShards(load, sizing) };
}

export function compareModes(
  traffic: Traffic,
  sizing: ProvisionedSizing,
  readers: number,
  prices: RegionPrices,
  searchUpTo = 1_000_000,
): ModeComparison {
  const at = (rate: number) => {
    const { load, shards } = loadAt(traffic, rate, sizing);
    const provisioned = provisionedMonthly(load, shards, prices);
    const onDemand = onDemandMonthly(load, readers, prices);
    return { provisioned: { ...provisioned, shards }, onDemand };
  };
  const here = at(traffic.recordsPerSecond);
  const diff = (rate: number) => {
    const c = at(rate);
    return c.onDemand.monthlyUsd - c.provisioned.monthlyUsd;
  };
  // Sign changes of the difference on a geometric grid, each refined by bisection.
  const breakEven: number[] = [];
  let previousRate = 0;
  let previous = diff(0);
  for (let rate = 1; rate <= searchUpTo; rate *= 1.25) {
    const d = diff(rate);
    if (Math.sign(d) !== Math.sign(previous) && d !== 0) {
      let [lo, hi] = [previousRate, rate];
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (Math.sign(diff(mid)) === Math.sign(previous)) lo = mid;
        else hi = mid;
      }
      breakEven.push(Math.round(hi));
    }
    [previousRate, previous] = [rate, d];
  }
  return {
    ...here,
    breakEvenRecordsPerSecond: breakEven,
    cheaperAtZero: diff(0) > 0 ? "provisioned" : "on-demand",
    searchUpTo,
  };
}
