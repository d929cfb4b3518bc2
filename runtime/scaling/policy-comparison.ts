/**
 * The right-sizing shard policy against the reference's doubling one, on one trace, in one
 * run: the same simulation (same trace, bounds, Flink policy and model) twice, once per
 * stepping, with each run's shard-hours, minutes over capacity, flaps and dollars.
 */
import { FLINK_SCALING_DEFAULTS } from "./flink-policy";
import { RegionPrices } from "../cost/price-table";
import { SHARD_SCALING_DEFAULTS, ShardScalingConfig, ShardStepping } from "./shard-policy";
import { simulationCost, SimulationCost } from "./simulation-cost";
import { simulate, SIMULATION_DEFAULTS, SimulationResult } from "./simulator";

/** The bounds the simulation runs the policies with. */
export const SIMULATION_BOUNDS = { minShards: 1, maxShards: 32, minParallelism: 1, maxParallelism: 32 };

export interface PolicyRun {
  stepping: ShardStepping;
  result: SimulationResult;
  cost: SimulationCost;
}

export interface PolicyComparison {
  rightSizing: PolicyRun;
  doubling: PolicyRun;
  /** Shard-hours the right-sizing policy saves, as a fraction of the doubling policy's. */
  shardHoursSaved: number;
}

export function comparePolicies(
  recordsPerSecond: readonly number[],
  prices: RegionPrices,
  shards: Partial<ShardScalingConfig> = {},
): PolicyComparison {
  const run = (stepping: ShardStepping): PolicyRun => {
    const options = {
      ...SIMULATION_DEFAULTS,
      shards: {
        ...SHARD_SCALING_DEFAULTS,
        minShards: SIMULATION_BOUNDS.minShards,
        maxShards: SIMULATION_BOUNDS.maxShards,
        ...shards,
        stepping,
      },
      flink: {
        ...FLINK_SCALING_DEFAULTS,
        minParallelism: SIMULATION_BOUNDS.minParallelism,
        maxParallelism: SIMULATION_BOUNDS.maxParallelism,
      },
    };
    const result = simulate(recordsPerSecond, options);
    return { stepping, result, cost: simulationCost(result, options, prices) };
  };
  const rightSizing = run("to-target");
  const doubling = run("double-halve");
  return {
    rightSizing,
    doubling,
    shardHoursSaved: 1 - rightSizing.result.shardHours / doubling.result.shardHours,
  };
}
