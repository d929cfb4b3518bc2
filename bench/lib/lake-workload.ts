/**
 * The lake benchmark's records: JSON of a real shape and real values (NYC taxi trips from
 * data/nyc-taxi, as the replay turns them into events), so Snappy compresses them as it
 * would a user's data, at the two sizes the benchmark is asked for:
 *
 *  - "100 B": a meter ping, a few fields of one trip (vendor, time, place, fare);
 *  - "1 KB": three trips of the taxi-trip schema's shape in one record (one trip is about a
 *    third of a kilobyte);
 *  - "taxi": one trip, in the schema registry's wire format naming schemas/taxi-trip.json,
 *    so it becomes a typed row of the taxi_trip table (one column per property).
 *
 * The first two go to the generic table (no schema header: the data as JSON text). Every
 * record carries one of `tenants` tenants in its partition key, as ingest writes it.
 */
import { randomUUID } from "node:crypto";
import { TaxiTrip } from "../../runtime/replay/trip-event";
import { TENANT_SEPARATOR } from "../../runtime/stream/tenant-key";

export type LakeWorkloadName = "100B" | "1KB" | "taxi";

export const LAKE_WORKLOADS: Record<LakeWorkloadName, { label: string; tripsPerRecord: number; typed: boolean }> = {
  "100B": { label: "100 B meter ping (generic table)", tripsPerRecord: 1, typed: false },
  "1KB": { label: "1 KB: three taxi trips (generic table)", tripsPerRecord: 3, typed: false },
  taxi: { label: "taxi trip with its schema (taxi_trip table)", tripsPerRecord: 1, typed: true },
};

/** A small event from a trip: what a meter would send while the trip runs. */
export function meterPing(trip: TaxiTrip): Record<string, unknown> {
  return {
    vendor: trip.vendor,
    time: trip.pickupTime,
    lon: trip.pickupLongitude,
    lat: trip.pickupLatitude,
    fare: trip.fareAmount,
  };
}

/** The JSON text of record `index` of a workload, taking trips round-robin from `trips`. */
export function lakeRecordText(workload: LakeWorkloadName, trips: readonly TaxiTrip[], index: number): string {
  if (trips.length === 0) throw new Error("the lake workload needs at least one taxi trip");
  const n = LAKE_WORKLOADS[workload].tripsPerRecord;
  const at = (k: number) => trips[(index * n + k) % trips.length];
  if (workload === "100B") return JSON.stringify(meterPing(at(0)));
  if (workload === "taxi") return JSON.stringify(at(0));
  return JSON.stringify({ trips: Array.from({ length: n }, (_, k) => at(k)) });
}

/** The tenant of record `index`: tenants take turns, so each holds a share of every segment. */
export function lakeTenantOf(index: number, tenants: number): string {
  if (!Number.isInteger(tenants) || tenants < 1) throw new Error(`tenants must be an integer >= 1, got ${tenants}`);
  return `tenant-${index % tenants}`;
}

export interface LakeUserRecord {
  partitionKey: string;
  /** The record's JSON text. */
  text: string;
}

export function lakeUserRecords(
  workload: LakeWorkloadName,
  trips: readonly TaxiTrip[],
  count: number,
  tenants: number,
): LakeUserRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    partitionKey: `${lakeTenantOf(i, tenants)}${TENANT_SEPARATOR}${randomUUID()}`,
    text: lakeRecordText(workload, trips, i),
  }));
}
