/**
 * The simulator's figures in dollars, from the price table: the provisioned stream the
 * policy sized (shard-hours and PUT payload units of what it accepted), the Flink job's
 * KPUs, and what an on-demand stream would have cost for the same trace (it takes the
 * whole load, read by the simulated readers: processing and the Flink job). Records are
 * aggregated as ingest does (runtime/cost/stream-traffic.ts).
 */
import { FLINK_ORCHESTRATION_KPUS, onDemandStreamHourly, provisionedStreamHourly } from "../cost/shape-cost";
import { RegionPrices } from "../cost/price-table";
import { aggregationEffect } from "../cost/stream-traffic";
import { SimulationResult } from "./simulator";

/** The partition key length the simulator assumes: a trip id's. */
export const SIMULATED_PARTITION_KEY_BYTES = 16;
/**
 * Shards an on-demand stream spreads the load over: a new one writes 4 MiB/s (4 shards'
 * worth, service quotas page) and grows with the load. Ingest aggregates per shard, so the
 * count sets the aggregates' size and with it the 1 KB rounding on-demand bills.
 */
export const ON_DEMAND_INITIAL_SHARDS = 4;
/** Who reads the whole stream in the simulation: the processing workers and the Flink job. */
export const SIMULATED_READERS = 2;

export interface SimulationCost {
  shardsUsd: number;
  putUnitsUsd: number;
  kpusUsd: number;
  /** The provisioned stream and the Flink job. */
  provisionedTotalUsd: number;
  /** An on-demand stream for the same trace, plus the same Flink job. */
  onDemandStreamUsd: number;
  onDemandTotalUsd: number;
}

export function simulationCost(
  result: SimulationResult,
  options: { recordBytes: number; parallelismPerKpu: number },
  prices: RegionPrices,
): SimulationCost {
  let shardsUsd = 0;
  let putUnitsUsd = 0;
  let kpusUsd = 0;
  let onDemandStreamUsd = 0;
  for (const m of result.minutes) {
    const traffic = { recordBytes: options.recordBytes, partitionKeyBytes: SIMULATED_PARTITION_KEY_BYTES };
    const accepted = aggregationEffect({ ...traffic, recordsPerSecond: Math.min(m.load, m.capacity) }, m.shards).with;
    const provisioned = provisionedStreamHourly({ shards: m.shards, ...accepted }, prices);
    shardsUsd += provisioned.lines[0].usdPerHour / 60;
    putUnitsUsd += provisioned.lines[1].usdPerHour / 60;
    kpusUsd +=
      ((Math.ceil(m.parallelism / options.parallelismPerKpu) + FLINK_ORCHESTRATION_KPUS) * prices.flinkKpuHour.usd) /
      60;
    // On-demand sizes itself: the whole load, aggregated over the shards it would have.
    const onDemandShards = Math.max(ON_DEMAND_INITIAL_SHARDS, Math.ceil(m.load / 1000));
    const whole = aggregationEffect({ ...traffic, recordsPerSecond: m.load }, onDemandShards).with;
    onDemandStreamUsd += onDemandStreamHourly({ ...whole, readers: SIMULATED_READERS }, prices).usdPerHour / 60;
  }
  return {
    shardsUsd,
    putUnitsUsd,
    kpusUsd,
    provisionedTotalUsd: shardsUsd + putUnitsUsd + kpusUsd,
    onDemandStreamUsd,
    onDemandTotalUsd: onDemandStreamUsd + kpusUsd,
  };
}
