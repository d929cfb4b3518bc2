/**
 * Which leases a worker should take, as a pure function of what it saw in the lease table.
 * The protocol is KCL's (see LEASES.md next to this file):
 *
 * - A lease is expired when it has no owner, or when its counter has not moved for longer
 *   than the failover time by this worker's own clock (owners renew well within it, so a
 *   still counter means a dead owner; no clocks are compared across workers).
 * - The workers are the owners of unexpired leases, plus this one.
 * - Each worker aims for ceil(leases / workers). Below that it takes expired leases first;
 *   when there are none it steals at most one lease per cycle from the most loaded worker.
 */
import { Lease } from "./lease";

/** The last time this worker saw a lease's counter change. */
export interface Sighting {
  counter: number;
  /** Local clock, ms. */
  changedAt: number;
}

export type Sightings = ReadonlyMap<string, Sighting>;

/** Updates what was seen: a lease whose counter changed (or is new) gets `now`. */
export function observe(previous: Sightings, leases: readonly Lease[], now: number): Map<string, Sighting> {
  const next = new Map<string, Sighting>();
  for (const lease of leases) {
    const seen = previous.get(lease.leaseKey);
    next.set(
      lease.leaseKey,
      seen && seen.counter === lease.counter ? seen : { counter: lease.counter, changedAt: now },
    );
  }
  return next;
}

export function isExpired(lease: Lease, sightings: Sightings, now: number, failoverMs: number): boolean {
  if (lease.owner === undefined) return true;
  const seen = sightings.get(lease.leaseKey);
  return seen !== undefined && seen.counter === lease.counter && now - seen.changedAt > failoverMs;
}

export interface TakePlan {
  /** Leases to take because they are expired (ours included: taking an expired own lease renews it). */
  take: Lease[];
  /** Other expired leases, to try in the same cycle when a peer wins the race for one of `take`. */
  spare: Lease[];
  /** A lease to steal from the most loaded worker, or none. */
  steal?: Lease;
  /** The workers this worker believes are alive, itself included. */
  workers: string[];
  /** Leases each worker should hold: ceil(leases / workers). */
  target: number;
}

export interface TakeInput {
  workerId: string;
  leases: readonly Lease[];
  sightings: Sightings;
  now: number;
  failoverMs: number;
  /** Order in which to consider candidates; random by default so workers do not all race for the same lease. */
  shuffle?: <T>(items: T[]) => T[];
}

/** Fisher-Yates. */
export function shuffled<T>(items: T[], random: () => number = Math.random): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Leases that are work: a shard checkpointed at SHARD_END needs no one. */
function active(leases: readonly Lease[]): Lease[] {
  return leases.filter((l) => l.checkpoint.kind !== "SHARD_END");
}

export function planTakes(input: TakeInput): TakePlan {
  const { workerId, now, failoverMs, sightings } = input;
  const shuffle = input.shuffle ?? (<T>(items: T[]) => shuffled(items));
  const leases = active(input.leases);
  const expired = leases.filter((l) => isExpired(l, sightings, now, failoverMs));
  const live = leases.filter((l) => !expired.includes(l));

  const held = new Map<string, Lease[]>([[workerId, []]]);
  for (const lease of live) held.set(lease.owner!, [...(held.get(lease.owner!) ?? []), lease]);
  const workers = [...held.keys()].sort();
  const target = leases.length === 0 ? 0 : Math.ceil(leases.length / workers.length);
  const mine = held.get(workerId)!.length;
  const needed = target - mine;
  if (needed <= 0) return { take: [], spare: [], workers, target };

  if (expired.length > 0) {
    const order = shuffle(expired);
    return { take: order.slice(0, needed), spare: order.slice(needed), workers, target };
  }

  // Steal only from a worker at or above target, and only when it helps: one lease when we
  // need more than one, or when the donor is over target.
  const [donor, donorLeases] = [...held.entries()]
    .filter(([w]) => w !== workerId)
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0] ?? [undefined, []];
  if (donor === undefined) return { take: [], spare: [], workers, target };
  const overTarget = donorLeases.length - target;
  const steal = overTarget > 0 || (needed > 1 && donorLeases.length >= target);
  return { take: [], spare: [], steal: steal ? shuffle(donorLeases)[0] : undefined, workers, target };
}
