/**
 * What the lake writer does to S3 under the estimate's steady traffic: segments per shard
 * and hour (its roll settings, as the stack sets them in the lake task's environment), one
 * claim and one object per tenant in each segment (runtime/lake/EXACTLY-ONCE.md), each
 * shard's progress at most once a minute; and, with the compactor, what it does to merge them
 * (runtime/lake/compaction/COMPACTION.md). The lake bucket's requests and the Firehose
 * comparison both read it.
 */
import { LAKE_DEFAULTS } from "../../runtime/lake/contract";
import { segmentsPerHour } from "../../runtime/lake/roll-policy";
import { PlanView } from "./plan-view";
import { Usage } from "./usage";

export interface LakeTraffic {
  rollBytes: number;
  rollSeconds: number;
  segmentsPerHour: number;
  /** Objects stored per hour (rows), claims excluded. */
  objectsPerHour: number;
  /** PUT requests per hour: objects, claims and shard progress. */
  putsPerHour: number;
  /** The compactor's requests per hour, when the stack has it: GETs, and PUT-priced ones (tags, parts, listings). */
  compaction?: { getsPerHour: number; putsPerHour: number };
}

/** The writer publishes a shard's progress at most once a minute (LAKE_DEFAULTS.progressIntervalMs). */
const PROGRESS_PUTS_PER_SHARD_HOUR = 3_600_000 / LAKE_DEFAULTS.progressIntervalMs;

/** The lake's traffic, or undefined when the plan has no lake workers. */
export function lakeTraffic(view: PlanView, usage: Usage, shards: number): LakeTraffic | undefined {
  const service = view.ofType("aws:ecs/service:Service").find((s) => view.part(s) === "lake");
  if (!service) return undefined;
  const env = view.containerEnvironment(service);
  const rollBytes = Number(env.LAKE_ROLL_BYTES ?? LAKE_DEFAULTS.rollBytes);
  const rollSeconds = Number(env.LAKE_ROLL_SECONDS ?? LAKE_DEFAULTS.rollSeconds);
  const perShard = Math.max(1, shards);
  const segments =
    perShard *
    segmentsPerHour((usage.recordsPerSecond * usage.recordBytes) / perShard, {
      maxBytes: rollBytes,
      maxAgeMs: rollSeconds * 1000,
    });
  // A tenant's keys hash over every shard, so each segment holds every tenant that wrote in
  // it: at most its records.
  const recordsPerSegment = segments > 0 ? (usage.recordsPerSecond * 3600) / segments : 0;
  const tenantsPerSegment = Math.min(usage.tenants, Math.max(1, Math.floor(recordsPerSegment)));
  const objectsPerHour = segments * tenantsPerSegment;
  const hasCompactor = view
    .ofType("aws:lambda/function:Function")
    .some((f) => view.part(f) === "lake" && f.name.endsWith("-compactor"));
  return {
    rollBytes,
    rollSeconds,
    segmentsPerHour: segments,
    objectsPerHour,
    putsPerHour: objectsPerHour + segments + perShard * PROGRESS_PUTS_PER_SHARD_HOUR,
    // Each segment object read once and tagged once; per tenant and hour a part (or a few),
    // and a listing of its hour; per hour the plan, two state writes and the progress reads.
    compaction: hasCompactor
      ? {
          getsPerHour: objectsPerHour + perShard + 2,
          putsPerHour: objectsPerHour + 2 * usage.tenants + 3,
        }
      : undefined,
  };
}
