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
 * tenants). `counts` fixes a group's part count (by partGroup): the counts pinned by the
 * hour's plan object, which the first run to plan the hour stored; the cuts depend on the
 * listing and the count alone, so every run makes that plan whatever its own part size.
 */
export function planParts(
  objects: readonly ListedObject[],
  partBytes: number,
  counts: ReadonlyMap<string, number> = new Map(),
): PartPlan[] {
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
    const n = counts.get(partGroup(name)) ?? Math.min(group.length, Math.max(1, Math.ceil(total / partBytes)));
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

/** The part count of each group of a plan (by partGroup), as the hour's plan object keeps them. */
export function partCounts(plans: readonly PartPlan[]): Map<string, number> {
  return new Map(plans.map((p) => [partGroup(p), p.of]));
}

export function partCountsBody(counts: ReadonlyMap<string, number>): string {
  return `${JSON.stringify({ parts: Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1))) })}\n`;
}

/** A plan object's body, checked: a malformed one is an error, never a guess. */
export function parsePartCounts(text: string): Map<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parts = (value as { parts?: unknown } | undefined)?.parts;
  const entries = typeof parts === "object" && parts !== null && !Array.isArray(parts) ? Object.entries(parts) : [];
  // A plan is stored only for an hour with objects: at least one group.
  if (entries.length === 0 || !entries.every(([, n]) => Number.isInteger(n) && (n as number) >= 1)) {
    throw new Error(
      `a compaction plan is {"parts": {<group>: <count> >= 1}}, got ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  return new Map(entries as [string, number][]);
}
