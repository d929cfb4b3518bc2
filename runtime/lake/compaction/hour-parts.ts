/**
 * Storing a closed hour's parts: the hour's plan (part-plan.ts) with its part counts pinned by
 * the first run that planned it, the parts already stored skipped, each other part merged
 * from its inputs (parquet-merge.ts) and written only if its key is free. Any run, cut short
 * anywhere, leaves parts that the next run's plan names and keeps. COMPACTION.md, section 2.
 */
import { compactionPlanKey } from "../object-keys";
import { hourPartition } from "./closed-hours";
import { CompactionStore } from "./compaction-store";
import { hourSegmentObjects } from "./lake-listing";
import { ListedObject, PartPlan, partCounts, partCountsBody, parsePartCounts, planParts } from "./part-plan";
import { mergeParquet } from "./parquet-merge";

const PARQUET = "application/vnd.apache.parquet";

/** What a run stored (the metrics count these). */
export interface PartCounts {
  partsWritten: number;
  /** Parts an earlier (or overlapping) run had stored already. */
  partsFound: number;
  rows: number;
  bytes: number;
}

/**
 * The hour's part counts: those of its plan object when a run stored one, else this run's,
 * stored with If-None-Match (of two runs that plan the hour at once, both follow the first).
 * Pinned so that runs with different part sizes (a changed setting while an old run goes on)
 * still store the parts of one plan.
 */
async function pinnedCounts(
  store: CompactionStore,
  hour: string,
  objects: ListedObject[],
  partBytes: number,
): Promise<Map<string, number>> {
  const key = compactionPlanKey(hourPartition(hour));
  const stored = await store.get(key);
  if (stored !== undefined) return parsePartCounts(stored.toString("utf8"));
  const counts = partCounts(planParts(objects, partBytes));
  if ((await store.putIfAbsent(key, Buffer.from(partCountsBody(counts)), "application/json")) === "written") {
    return counts;
  }
  return parsePartCounts((await store.get(key))!.toString("utf8"));
}

/** The parts already stored for the planned tables and tenants of the hour (key -> size); one the plan does not name is an error. */
async function storedParts(store: CompactionStore, plans: PartPlan[]): Promise<Map<string, number>> {
  const planned = new Set(plans.map((p) => p.key));
  const sizes = new Map<string, number>();
  const prefixes = new Set(plans.map((p) => p.key.slice(0, p.key.lastIndexOf("/") + 1)));
  for (const prefix of prefixes) {
    for (const object of await store.listObjects(prefix)) {
      if (!planned.has(object.key)) {
        throw new Error(
          `${object.key} is no part of its hour's plan (${[...planned].filter((k) => k.startsWith(prefix)).join(", ")}): rows would be read twice; delete it and run again`,
        );
      }
      sizes.set(object.key, object.size);
    }
  }
  return sizes;
}

/** Stores every part of the hour that is not stored yet; false when the time ran out first. */
export async function compactHour(
  store: CompactionStore,
  partBytes: number,
  hour: string,
  hasTime: () => boolean,
  counts: PartCounts,
): Promise<boolean> {
  const objects = await hourSegmentObjects(store, hour);
  if (objects.length === 0) return true;
  const plans = planParts(objects, partBytes, await pinnedCounts(store, hour, objects, partBytes));
  const stored = await storedParts(store, plans);
  for (const part of plans) {
    if (stored.has(part.key)) {
      counts.partsFound++;
      continue;
    }
    if (!hasTime()) return false;
    const inputs: Buffer[] = [];
    for (const key of part.inputs) {
      const body = await store.get(key);
      // A closed hour's objects stay until the hour is read from its parts and a day passes.
      if (body === undefined) throw new Error(`segment object ${key} of closed hour ${hour} was listed but is gone`);
      inputs.push(body);
    }
    const merged = await mergeParquet(inputs, part.inputs);
    if ((await store.putIfAbsent(part.key, merged.body, PARQUET)) === "written") {
      counts.partsWritten++;
      counts.rows += merged.rows;
      counts.bytes += merged.body.length;
    } else {
      counts.partsFound++;
    }
  }
  return true;
}
