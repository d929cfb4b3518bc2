/**
 * The partition key of a trip event: unique and stable per trip (vendor, pickup time, the
 * row it came from, and the loop pass), not the pickup grid cell. Taxi pickups are heavily
 * skewed (Midtown and the airports): keying by cell would send the hot spots to one shard
 * each and throttle it, while the hot-spot job aggregates by cell itself and needs no
 * per-cell order. A unique key spreads trips evenly over the shards, and the same replay
 * always gives the same keys, so a reader can tell which row a record came from.
 */
import { ReplayTrip } from "./ordering";

export function tripPartitionKey({ rowNumber, trip }: ReplayTrip, pass: number): string {
  return `${trip.vendor}-${trip.pickupMs}-r${rowNumber}-p${pass}`;
}
