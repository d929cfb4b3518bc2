/**
 * What the lake writer does to S3 under the estimate's steady traffic: segments per shard
 * and hour (its roll settings, as the stack sets them in the lake task's environment), one
 * claim and one object per tenant in each segment (runtime/lake/EXACTLY-ONCE.md), each
 * shard's progress at most once a minute; and, with the compactor, what it does to merge them
 * (runtime/lake/compaction/COMPACTION.md). The lake bucket's requests and the Firehose
 * comparison both read it.
 */
import { COMPACTION_DEFAULTS } from "../../runtime/lake/compaction/compactor-contract";
import { LAKE_DEFAULTS } from "../../runtime/lake/contract";
import { segmentsPerHour } from "../../runtime/lake/roll-policy";
import { PlannedResource, PlanView } from "./plan-view";
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

/** The lake's compactor function (infra/lake/lake-compactor.ts names it `<lake>-compactor`). */
export function isLakeCompactor(view: PlanView, r: PlannedResource): boolean {
  return view.part(r) === "lake" && r.name.endsWith("-compactor");
}

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
  const hasCompactor = view.ofType("aws:lambda/function:Function").some((f) => isLakeCompactor(view, f));
  const runsPerHour = 60 / COMPACTION_DEFAULTS.scheduleMinutes;
  return {
    rollBytes,
    rollSeconds,
    segmentsPerHour: segments,
    objectsPerHour,
    putsPerHour: objectsPerHour + segments + perShard * PROGRESS_PUTS_PER_SHARD_HOUR,
    // Each segment object read once and tagged once. Each run reads the state and every shard's
    // progress; each hour its plan. Per tenant and hour a part (or a few), and four listings of
    // the hour (to plan it, its stored parts at the run that stores them and at the one that
    // moves it, and to tag it); per hour the plan and two state writes (the move, the tagging).
    compaction: hasCompactor
      ? {
          getsPerHour: objectsPerHour + runsPerHour * (perShard + 1) + 1,
          putsPerHour: objectsPerHour + 5 * usage.tenants + 3,
        }
      : undefined,
  };
}
