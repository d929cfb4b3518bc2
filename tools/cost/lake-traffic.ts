/**
 * What the lake writer does to S3 under the estimate's steady traffic: segments per shard
 * and hour (its roll settings, as the stack sets them in the lake task's environment), one
 * claim and one object per tenant in each segment (runtime/lake/EXACTLY-ONCE.md). The lake
 * bucket's PUT requests and the Firehose comparison both read it.
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
  /** PUT requests per hour: objects and claims. */
  putsPerHour: number;
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
  return { rollBytes, rollSeconds, segmentsPerHour: segments, objectsPerHour, putsPerHour: objectsPerHour + segments };
}
