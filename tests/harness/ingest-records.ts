/**
 * The user records a test posts to the ingest API, and how to find them again in the
 * stream. Every record's data is unique, so a stored copy names the record it came from;
 * a record without a partition key gets a random one from the service.
 */
import { clientKeyOf } from "../../runtime/stream/tenant-key";
import { expect } from "chai";

import { Answer, IngestClient, inParallel } from "./ingest-client";
import { StoredRecord, StreamContents, holds, locationOf } from "./stream-contents";

export interface Posted {
  /** What goes into the request. */
  body: { data: string | Record<string, unknown>; partitionKey?: string };
  /** The data as the service stores it: a string as is, an object as its JSON. */
  stored: string;
}

export interface Ack {
  shardId: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
}

/** Unique records of run `run`: string and object data, with and without partition keys. */
export function makeRecords(run: string, count: number, firstIndex = 0): Posted[] {
  return Array.from({ length: count }, (_, n) => {
    const i = firstIndex + n;
    const data = i % 2 === 0 ? `${run} reading ${i} ✓` : { run, reading: i, unit: "°C", values: [i, i / 2] };
    // Every third record has no key, so the service's random key spreads it; the others
    // share a few keys, some non-ASCII, as devices would.
    const partitionKey = i % 3 === 0 ? undefined : i % 3 === 1 ? `device-${i % 41}` : `capteur-é-${i % 13}`;
    return {
      body: partitionKey === undefined ? { data } : { data, partitionKey },
      stored: typeof data === "string" ? data : JSON.stringify(data),
    };
  });
}

/** A request's records and what it was answered (or the network error it got instead). */
export interface Sent {
  records: Posted[];
  answer?: Answer;
  error?: NodeJS.ErrnoException;
}

/** Posts one request: a single record to `POST /`, several to `POST /batch`. Never throws. */
export async function post(client: IngestClient, records: Posted[]): Promise<Sent> {
  try {
    const answer =
      records.length === 1
        ? await client.post("/", records[0].body)
        : await client.post("/batch", { records: records.map((r) => r.body) });
    return { records, answer };
  } catch (error) {
    return { records, error: error as NodeJS.ErrnoException };
  }
}

/** Posts every request with at most `concurrency` in flight. */
export function postAll(client: IngestClient, requests: readonly Posted[][], concurrency: number): Promise<Sent[]> {
  return inParallel(requests, concurrency, (records) => post(client, records));
}

/**
 * Records the service said it stored, with where: a 200 to `POST /`, every record of a 200
 * to `/batch`, and the stored ones of a 503 `partially_written` batch.
 */
export function acknowledged(sent: readonly Sent[]): { posted: Posted; ack: Ack }[] {
  return sent.flatMap(({ records, answer }) => {
    if (answer === undefined) return [];
    if (records.length === 1 && answer.status === 200 && answer.body.records === undefined) {
      return [{ posted: records[0], ack: answer.body as Ack }];
    }
    const locations: unknown[] = Array.isArray(answer.body?.records) ? answer.body.records : [];
    return locations.flatMap((location, i) =>
      (location as Ack).shardId !== undefined ? [{ posted: records[i], ack: location as Ack }] : [],
    );
  });
}

/** Records of requests that were refused or failed: the service took none of them. */
export function refused(sent: readonly Sent[]): Posted[] {
  return sent.flatMap(({ records, answer }) =>
    answer !== undefined && answer.status !== 200 && answer.body?.error !== "partially_written" ? records : [],
  );
}

/** Each posted record's stored copies, and stored records nobody posted. */
export function findCopies(
  posted: readonly Posted[],
  contents: StreamContents,
): { copies: Map<Posted, StoredRecord[]>; unknown: StoredRecord[] } {
  const byData = new Map(posted.map((p) => [p.stored, p]));
  const copies = new Map<Posted, StoredRecord[]>(posted.map((p) => [p, []]));
  const unknown: StoredRecord[] = [];
  for (const record of contents.records) {
    const p = byData.get(record.data.toString("utf8"));
    if (p === undefined || !sameKey(p, record)) unknown.push(record);
    else copies.get(p)!.push(record);
  }
  return { copies, unknown };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The stored key is the posted one, or a random UUID when none was posted. */
/** Stored under the key posted (or a random one), after the tenant's prefix ingest adds. */
function sameKey(p: Posted, record: StoredRecord): boolean {
  const clientKey = clientKeyOf(record.partitionKey);
  return p.body.partitionKey === undefined ? UUID.test(clientKey) : clientKey === p.body.partitionKey;
}

/**
 * Every acknowledged record is stored at the location its answer named (shard, sequence
 * number, sub-sequence number), and that shard's hash key range holds the record's key.
 */
export function expectStoredAsAcknowledged(
  acks: readonly { posted: Posted; ack: Ack }[],
  contents: StreamContents,
): void {
  const byLocation = new Map(contents.records.map((r) => [locationOf(r), r]));
  const shards = new Map(contents.shards.map((s) => [s.shardId, s]));
  for (const { posted, ack } of acks) {
    const what = `${JSON.stringify(posted.body)} acknowledged at ${locationOf(ack)}`;
    const stored = byLocation.get(locationOf(ack));
    expect(stored, `${what}: nothing stored there`).to.not.equal(undefined);
    expect(stored!.data.toString("utf8"), `${what}: other data stored there`).to.equal(posted.stored);
    expect(sameKey(posted, stored!), `${what}: stored with key ${stored!.partitionKey}`).to.equal(true);
    const shard = shards.get(ack.shardId);
    expect(shard, `${what}: no such shard`).to.not.equal(undefined);
    expect(holds(shard!, stored!.hashKey), `${what}: the shard's range does not hold its hash key`).to.equal(true);
  }
}
