/**
 * What the compactor lists of the lake's segment objects: an hour's, across every table and
 * tenant, and the earliest hour any is in. One level at a time with "/" as the delimiter
 * (`tables/` -> tables -> tenants -> the hour's objects), so a listing reads only the hour
 * it is about, never the whole lake.
 */
import { hourKey, TABLES_PREFIX } from "../object-keys";
import { hourPartition } from "./closed-hours";
import { CompactionStore } from "./compaction-store";
import { ListedObject } from "./part-plan";

/** Every segment object of the hour: under each table's and tenant's `tenant=<x>/date=<d>/hour=<h>/`. */
export async function hourSegmentObjects(store: CompactionStore, hour: string): Promise<ListedObject[]> {
  const { date, hour: hh } = hourPartition(hour);
  const objects: ListedObject[] = [];
  for (const table of await store.listPrefixes(TABLES_PREFIX)) {
    for (const tenant of await store.listPrefixes(table)) {
      objects.push(...(await store.listObjects(`${tenant}date=${date}/hour=${hh}/`)));
    }
  }
  return objects;
}

/** The earliest hour any segment object is in, by listing dates then hours (both sort as time). */
export async function earliestObjectHour(store: CompactionStore): Promise<string | undefined> {
  let earliest: string | undefined;
  for (const table of await store.listPrefixes(TABLES_PREFIX)) {
    for (const tenant of await store.listPrefixes(table)) {
      const date = (await store.listPrefixes(tenant))[0];
      const hour = date && (await store.listPrefixes(date))[0];
      const m = hour ? /date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/$/.exec(hour) : null;
      if (!m) continue;
      const key = hourKey({ date: m[1], hour: m[2] });
      if (earliest === undefined || key < earliest) earliest = key;
    }
  }
  return earliest;
}
