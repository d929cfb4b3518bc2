/**
 * What the compactor lists of the lake's segment objects: an hour's, across every table and
 * tenant, and the earliest hour any is in. One level at a time with "/" as the delimiter
 * (`tables/` -> tables -> tenants -> the hour's objects), so a listing reads only the hour
 * it is about, never the whole lake. That is one LIST per table and tenant: with thousands of
 * tenants they run LIST_CONCURRENCY at a time, and stop when the run's time is up (the next
 * run lists again: a closed hour's listing does not change).
 */
import { hourKey, TABLES_PREFIX } from "../object-keys";
import { boundedCalls } from "./bounded-calls";
import { hourPartition } from "./closed-hours";
import { CompactionStore } from "./compaction-store";
import { ListedObject } from "./part-plan";

/**
 * LISTs in flight at once. S3 serves at least 5,500 GET/HEAD requests per second per
 * partitioned prefix (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html);
 * 16 LISTs of a few tens of ms each are a few hundred a second, far below it and below the
 * SDK's 50 sockets per client (@smithy/node-http-handler), while a hour of 5,000 tenants and
 * 2 tables lists in about 10 s instead of about 5 minutes one at a time.
 */
export const LIST_CONCURRENCY = 16;

const always = () => true;

/** Every tenant prefix (`tables/<t>/tenant=<x>/`) of every table, in key order; undefined when the time ran out. */
async function tenantPrefixes(store: CompactionStore, hasTime: () => boolean): Promise<string[] | undefined> {
  if (!hasTime()) return undefined;
  const tables = await store.listPrefixes(TABLES_PREFIX);
  const tenants: string[][] = [];
  const listed = await boundedCalls(tables, LIST_CONCURRENCY, hasTime, async (table, i) => {
    tenants[i] = await store.listPrefixes(table);
  });
  return listed ? tenants.flat() : undefined;
}

/**
 * Every segment object of the hour: under each table's and tenant's `tenant=<x>/date=<d>/hour=<h>/`,
 * in table and tenant order. Undefined when `hasTime` turned false before every LIST was made:
 * a part of the listing is never returned.
 */
export async function hourSegmentObjects(
  store: CompactionStore,
  hour: string,
  hasTime: () => boolean,
): Promise<ListedObject[] | undefined> {
  const { date, hour: hh } = hourPartition(hour);
  const tenants = await tenantPrefixes(store, hasTime);
  if (tenants === undefined) return undefined;
  const objects: ListedObject[][] = [];
  const listed = await boundedCalls(tenants, LIST_CONCURRENCY, hasTime, async (tenant, i) => {
    objects[i] = await store.listObjects(`${tenant}date=${date}/hour=${hh}/`);
  });
  return listed ? objects.flat() : undefined;
}

/**
 * The earliest hour any segment object is in, by listing dates then hours (both sort as time):
 * `hour` undefined when there is none; "time" when the time ran out first.
 */
export async function earliestObjectHour(
  store: CompactionStore,
  hasTime: () => boolean = always,
): Promise<{ hour: string | undefined } | "time"> {
  const tenants = await tenantPrefixes(store, hasTime);
  if (tenants === undefined) return "time";
  const firsts: (string | undefined)[] = [];
  const listed = await boundedCalls(tenants, LIST_CONCURRENCY, hasTime, async (tenant, i) => {
    const date = (await store.listPrefixes(tenant))[0];
    const hour = date && (await store.listPrefixes(date))[0];
    const m = hour ? /date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/$/.exec(hour) : null;
    firsts[i] = m ? hourKey({ date: m[1], hour: m[2] }) : undefined;
  });
  if (!listed) return "time";
  let earliest: string | undefined;
  for (const key of firsts) if (key !== undefined && (earliest === undefined || key < earliest)) earliest = key;
  return { hour: earliest };
}
