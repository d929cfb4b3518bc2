/**
 * The benchmarks' workload: user records of a fixed size (100 B by default) under random
 * partition keys, which spread them evenly over the shards, as the ingest API does for a
 * record sent without a key.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { UserRecord } from "../../runtime/stream/aggregation";

export function userRecords(count: number, dataBytes = 100): UserRecord[] {
  return Array.from({ length: count }, () => ({ partitionKey: randomUUID(), data: randomBytes(dataBytes) }));
}

/** A JSON object of about `bytes` bytes once serialised: a stand-in for a taxi-trip event. */
export function jsonEvent(bytes = 100): Record<string, unknown> {
  const event = { trip: 1234567, pickup: "2024-05-01T12:34:56Z", lat: 40.7128, lon: -74.006, note: "" };
  event.note = "x".repeat(Math.max(0, bytes - JSON.stringify(event).length));
  return event;
}
