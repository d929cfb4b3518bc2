/**
 * Storing a closed hour's parts: the hour's plan (part-plan.ts), pinned whole (each part's key
 * and inputs) by the first run that planned it, the parts already stored skipped, each other
 * part merged from its inputs (parquet-merge.ts) and written only if its key is free. Any run,
 * cut short anywhere, leaves parts that the next run's plan names and keeps. COMPACTION.md,
 * section 2.
 */
import { compactionPlanKey } from "../object-keys";
import { hourPartition } from "./closed-hours";
import { CompactionStore } from "./compaction-store";
import { boundedCalls } from "./bounded-calls";
import { hourSegmentObjects, LIST_CONCURRENCY } from "./lake-listing";
import { parsePlan, PinnedPart, planBody, planParts } from "./part-plan";
import { mergeParquet } from "./parquet-merge";

const PARQUET = "application/vnd.apache.parquet";
const always = () => true;

/** What a run stored (the metrics count these). */
export interface PartCounts {
  partsWritten: number;
  /** Parts an earlier (or overlapping) run had stored already. */
  partsFound: number;
  rows: number;
  bytes: number;
}

/**
 * The hour's plan: its plan object when a run stored one, else this run's from the listing,
 * stored with If-None-Match (of two runs that plan the hour at once, both follow the first).
 * Pinned whole, so runs with different part sizes, or listings that differ (an input expired
 * between runs), still store the parts of one plan, each from the same inputs.
 */
async function pinnedPlan(
  store: CompactionStore,
  hour: string,
  partBytes: number,
  hasTime: () => boolean,
): Promise<PinnedPart[] | "time"> {
  const key = compactionPlanKey(hourPartition(hour));
  const stored = await store.get(key);
  if (stored !== undefined) return parsePlan(stored.toString("utf8"));
  const objects = await hourSegmentObjects(store, hour, hasTime);
  if (objects === undefined) return "time";
  if (objects.length === 0) return [];
  const body = planBody(planParts(objects, partBytes));
  if ((await store.putIfAbsent(key, Buffer.from(body), "application/json")) === "written") return parsePlan(body);
  return parsePlan((await store.get(key))!.toString("utf8"));
}

/**
 * The parts already stored for the planned tables and tenants of the hour (key -> when
 * stored), listed LIST_CONCURRENCY at a time; one the plan does not name is an error.
 * Undefined when the run's time ran out first.
 */
async function storedParts(
  store: CompactionStore,
  plans: PinnedPart[],
  hasTime: () => boolean,
): Promise<Map<string, number> | undefined> {
  const planned = new Set(plans.map((p) => p.key));
  const stored = new Map<string, number>();
  const prefixes = [...new Set(plans.map((p) => p.key.slice(0, p.key.lastIndexOf("/") + 1)))];
  const listed = await boundedCalls(prefixes, LIST_CONCURRENCY, hasTime, async (prefix) => {
    for (const object of await store.listObjects(prefix)) {
      if (!planned.has(object.key)) {
        throw new Error(
          `${object.key} is no part of its hour's plan (${[...planned].filter((k) => k.startsWith(prefix)).join(", ")}): rows would be read twice; delete it and run again`,
        );
      }
      stored.set(object.key, object.lastModified ?? 0);
    }
  });
  return listed ? stored : undefined;
}

/** What storing an hour's parts came to. */
export type HourParts =
  /** Every part is stored (or has no input left); `newest`: when the last of them was stored, if any. */
  | { done: true; newest?: number }
  /** The run's time ran out first. */
  | { done: false };

/** Stores every part of the hour that is not stored yet. */
export async function compactHour(
  store: CompactionStore,
  partBytes: number,
  hour: string,
  hasTime: () => boolean,
  counts: PartCounts,
  now: () => number,
): Promise<HourParts> {
  const plans = await pinnedPlan(store, hour, partBytes, hasTime);
  // Out of time while listing the hour: nothing planned yet; the next run lists again.
  if (plans === "time") return { done: false };
  if (plans.length === 0) return { done: true };
  const stored = await storedParts(store, plans, hasTime);
  if (stored === undefined) return { done: false };
  let newest: number | undefined;
  const storedAt = (t: number) => (newest = Math.max(newest ?? t, t));
  for (const part of plans) {
    const at = stored.get(part.key);
    if (at !== undefined) {
      counts.partsFound++;
      storedAt(at);
      continue;
    }
    if (!hasTime()) return { done: false };
    // Read LIST_CONCURRENCY at a time: the merge holds every input at once anyway.
    const bodies: (Buffer | undefined)[] = [];
    await boundedCalls(part.inputs, LIST_CONCURRENCY, always, async (key, i) => {
      bodies[i] = await store.get(key);
    });
    // An input is gone only if the bucket's retention reached the hour first: its rows are gone
    // from the lake either way, and the other inputs still make this part, the same on every run.
    const present = part.inputs.filter((_, i) => bodies[i] !== undefined);
    const inputs = bodies.filter((b): b is Buffer => b !== undefined);
    if (inputs.length === 0) continue;
    const merged = await mergeParquet(inputs, present);
    if ((await store.putIfAbsent(part.key, merged.body, PARQUET)) === "written") {
      counts.partsWritten++;
      counts.rows += merged.rows;
      counts.bytes += merged.body.length;
    } else {
      counts.partsFound++;
    }
    storedAt(now());
  }
  return { done: true, newest };
}
