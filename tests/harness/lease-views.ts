/**
 * Views of a lease table for tests and benchmarks: waiting (bounded) until it shows what a
 * test expects, who holds what, and whether the leases are balanced as the taker aims.
 */
import { Lease } from "../../runtime/processing/leases/lease";
import { LeaseTable } from "../../runtime/processing/leases/lease-table";
import { eventually } from "./eventually";

/** Leases as the lease table shows them, and when (local clock) it was read. */
export interface TableView {
  leases: Lease[];
  at: number;
}

/**
 * Reads the lease table every `intervalMs` until `accept` holds, and returns that view.
 * Fails after `timeoutMs` with `what` and the last view, so a failure shows who held what.
 */
export async function waitForLeases(
  table: LeaseTable,
  what: string,
  accept: (leases: Lease[]) => boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<TableView> {
  let last: Lease[] = [];
  return eventually(
    async () => {
      try {
        last = await table.list();
      } catch (error) {
        // The workers create the table: it may not exist yet.
        if ((error as Error).name !== "ResourceNotFoundException") throw error;
        return undefined;
      }
      const at = Date.now();
      return accept(last) && { leases: last, at };
    },
    { what, timeoutMs, intervalMs, details: () => `last view: ${describeLeases(last)}` },
  );
}

/** "shardId-000000000000: worker-a @ 49...123/4" per lease, for failure messages and logs. */
export function describeLeases(leases: readonly Lease[]): string {
  return leases
    .map((l) => {
      const c = l.checkpoint;
      const at = c.kind === "SEQUENCE" ? `…${c.sequenceNumber.slice(-8)}/${c.subSequenceNumber}` : c.kind;
      return `${l.leaseKey}: ${l.owner ?? "(none)"} @ ${at}`;
    })
    .join("; ");
}

/** Shards each worker holds, by the table (active leases only: SHARD_END is no work). */
export function leasesByOwner(leases: readonly Lease[]): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const l of leases) {
    if (l.owner === undefined || l.checkpoint.kind === "SHARD_END") continue;
    owners.set(l.owner, [...(owners.get(l.owner) ?? []), l.leaseKey]);
  }
  return owners;
}

/**
 * Balanced as the lease taker aims: `shards` leases, all owned, and each of `workers`
 * holding ceil(shards / workers) or one less (3 workers on 4 shards: one or two each).
 */
export function balancedAmong(leases: readonly Lease[], workers: readonly string[], shards: number): boolean {
  const owners = leasesByOwner(leases);
  const target = Math.ceil(shards / workers.length);
  return (
    leases.length === shards &&
    leases.every((l) => l.owner !== undefined) &&
    workers.every((w) => (owners.get(w)?.length ?? 0) >= target - 1 && (owners.get(w)?.length ?? 0) <= target)
  );
}
