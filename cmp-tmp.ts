import { FLINK_SCALING_DEFAULTS } from "./runtime/scaling/flink-policy";
import { SHARD_SCALING_DEFAULTS } from "./runtime/scaling/shard-policy";
import { simulate, SIMULATION_DEFAULTS } from "./runtime/scaling/simulator";
import { trace } from "./runtime/scaling/traces";
const [name, t, stepping] = process.argv.slice(2);
const r = simulate(trace(name as "step").recordsPerSecond, {...SIMULATION_DEFAULTS, shards: {...SHARD_SCALING_DEFAULTS, targetUsage: Number(t), stepping: stepping as "to-target", minShards:1, maxShards:32}, flink: {...FLINK_SCALING_DEFAULTS, minParallelism:1, maxParallelism:32}});
for (const e of r.events.filter(e=>e.scaler==="shards")) console.log(e.minute, e.from, e.to, e.reason);
console.log(r.minutes.filter(m=>m.load>m.capacity).map(m=>m.minute).join(","));
