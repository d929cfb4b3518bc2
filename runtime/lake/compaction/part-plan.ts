/**
 * How a closed hour's segment objects become compacted parts: per table, tenant and schema
 * version (rows of one version share their columns; the generic table has no version), the
 * objects sorted by key are cut into n consecutive runs of about equal bytes, n the fewest
 * parts of at most `partBytes` each. A function of the hour's listing alone, which no longer
 * changes once the hour is closed: every run of the compactor plans the same parts under the
 * same keys (object-keys.ts compactedObjectKey), so a part stored by an earlier run is that
 * run's part whole, and a run that stopped half-way is finished by the next.
 */
import { compactedObjectKey, TABLES_PREFIX, TimePartition } from "../object-keys";

/** An object as a listing gives it. */
export interface ListedObject {
  key: string;
  size: number;
  /** When S3 stored it (ms since the epoch), where the listing says. */
  lastModified?: number;
}

/** A segment object's place, from its key. */
export interface SegmentObjectName {
  table: string;
  tenant: string;
  time: TimePartition;
  version?: number;
}

export interface PartPlan extends SegmentObjectName {
  /** The compacted object's key. */
  key: string;
  index: number;
  of: number;
  /** The segment objects whose rows it holds, in key order. */
  inputs: string[];
  bytes: number;
}

const SEGMENT_OBJECT = /^([^/]+)\/tenant=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/[^/]+?(?:-v(\d+))?\.parquet$/;

/** Reads a segment object's key (object-keys.ts tableObjectKey); anything else is an error, never skipped. */
export function segmentObjectName(key: string): SegmentObjectName {
  const m = key.startsWith(TABLES_PREFIX) ? SEGMENT_OBJECT.exec(key.slice(TABLES_PREFIX.length)) : null;
  if (!m) {
    throw new Error(
      `a segment object is ${TABLES_PREFIX}<table>/tenant=<t>/date=<YYYY-MM-DD>/hour=<HH>/<segment>[-v<version>].parquet, got ${JSON.stringify(key)}`,
    );
  }
  const [, table, tenant, date, hour, version] = m;
  return { table, tenant, time: { date, hour }, ...(version === undefined ? {} : { version: Number(version) }) };
}

/**
 * Cuts `sizes` (in order) into `n` consecutive non-empty runs of about equal sum: the k-th
 * cut falls where the running sum comes nearest k/n of the total. Returns each run's start.
 */
export function evenCuts(sizes: readonly number[], n: number): number[] {
  if (!Number.isInteger(n) || n < 1 || n > sizes.length) {
    throw new Error(`${sizes.length} objects cut into 1 to ${sizes.length} parts, not ${n}`);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  const before = [0];
  for (const s of sizes) before.push(before[before.length - 1] + s);
  const starts = [0];
  for (let k = 1; k < n; k++) {
    const target = (total * k) / n;
    // Leave at least one object for this run and each run after it.
    let best = starts[k - 1] + 1;
    for (let i = best + 1; i <= sizes.length - (n - k); i++) {
      if (Math.abs(before[i] - target) < Math.abs(before[best] - target)) best = i;
    }
    starts.push(best);
  }
  return starts;
}

/** The parts of one table, tenant and version in an hour: what a part count is kept per. */
export function partGroup(name: { table: string; tenant: string; version?: number }): string {
  return `${name.table}/tenant=${name.tenant}/${name.version === undefined ? "-" : `v${name.version}`}`;
}

/**
 * The parts of one hour, from the listing of its segment objects (any order, any tables and
 * tenants). The first run to plan an hour pins the result in the hour's plan object
 * (planBody); later runs follow that, whatever their own part size or listing.
 */
export function planParts(objects: readonly ListedObject[], partBytes: number): PartPlan[] {
  if (!Number.isInteger(partBytes) || partBytes < 1) throw new Error(`a part holds at least 1 byte, got ${partBytes}`);
  const groups = new Map<string, { name: SegmentObjectName; objects: ListedObject[] }>();
  for (const object of [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const name = segmentObjectName(object.key);
    const id = `${partGroup(name)}/${name.time.date}/${name.time.hour}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { name, objects: [] }));
    group.objects.push(object);
  }
  const plans: PartPlan[] = [];
  for (const { name, objects: group } of groups.values()) {
    const sizes = group.map((o) => o.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    const n = Math.min(group.length, Math.max(1, Math.ceil(total / partBytes)));
    const starts = [...evenCuts(sizes, n), group.length];
    for (let index = 0; index < n; index++) {
      const run = group.slice(starts[index], starts[index + 1]);
      plans.push({
        ...name,
        key: compactedObjectKey(name.table, name.tenant, name.time, { index, of: n }, name.version),
        index,
        of: n,
        inputs: run.map((o) => o.key),
        bytes: run.reduce((a, o) => a + o.size, 0),
      });
    }
  }
  return plans;
}

/**
 * An hour's plan as its plan object keeps it: each part's key and the segment objects it
 * merges. Pinned whole, not only the part counts: an input that goes away between runs (the
 * bucket's retention reaching an old hour) must not move the cuts of the parts still to
 * store, or rows would land in two parts, or none.
 */
export interface PinnedPart {
  key: string;
  inputs: string[];
}

export function planBody(plans: readonly PartPlan[]): string {
  const parts = [...plans].sort((a, b) => (a.key < b.key ? -1 : 1)).map((p) => ({ key: p.key, inputs: p.inputs }));
  return `${JSON.stringify({ parts })}\n`;
}

/** A plan object's body, checked: a malformed one is an error, never a guess. */
export function parsePlan(text: string): PinnedPart[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parts = (value as { parts?: unknown } | undefined)?.parts;
  const ok =
    Array.isArray(parts) &&
    parts.length > 0 &&
    parts.every(
      (p: { key?: unknown; inputs?: unknown }) =>
        typeof p === "object" &&
        p !== null &&
        typeof p.key === "string" &&
        Array.isArray(p.inputs) &&
        p.inputs.length > 0 &&
        p.inputs.every((k) => typeof k === "string"),
    );
  // A plan is stored only for an hour with objects: at least one part, each of one input or more.
  if (!ok) {
    throw new Error(
      `a compaction plan is {"parts": [{"key": <part>, "inputs": [<segment object>, ...]}, ...]}, got ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  return (parts as PinnedPart[]).map((p) => ({ key: p.key, inputs: [...p.inputs] }));
}
