/**
 * Segment objects as the lake writer makes them, for the compactor's tests: records of several
 * shards, tenants, tables (the generic one and a schema's two versions, nested columns
 * included) and past hours go through the real writer (ShardLakeWriter) into a bucket, with
 * a small roll size so each hour is spread over many objects.
 */
import { parquetReadObjects } from "hyparquet";
import { SchemaLookup, withColumns } from "../../runtime/lake/lake-rows";
import { LakeStore } from "../../runtime/lake/lake-store";
import { ShardLakeWriter } from "../../runtime/lake/lake-writer";
import { ConsumerRecord } from "../../runtime/processing/record-processor";
import { encode } from "../../runtime/schemas/wire-format";

const ORDER_V1 = {
  type: "object",
  properties: {
    item: { type: "string" },
    quantity: { type: "integer" },
    lines: {
      type: "array",
      items: { type: "object", properties: { sku: { type: "string" }, price: { type: "number" } } },
    },
    customer: {
      type: "object",
      properties: { id: { type: "integer" }, tags: { type: "array", items: { type: "string" } } },
    },
  },
};
const ORDER_V2 = { ...ORDER_V1, properties: { ...ORDER_V1.properties, coupon: { type: "string" } } };
const V1 = "11111111-1111-4111-8111-111111111111";
const V2 = "22222222-2222-4222-8222-222222222222";
const VERSIONS = new Map(
  [
    { schemaVersionId: V1, versionNumber: 1, definition: JSON.stringify(ORDER_V1) },
    { schemaVersionId: V2, versionNumber: 2, definition: JSON.stringify(ORDER_V2) },
  ].map((v) => [v.schemaVersionId, withColumns({ schemaName: "order", ...v })]),
);
export const ORDER_SCHEMAS: SchemaLookup = async (id) => VERSIONS.get(id);
export const TENANTS = ["acme", "beta"];

/**
 * `count` records of one shard arriving from `start`, one every `stepMs`: a third plain JSON
 * (the generic table), the rest orders of version 1 or 2, tenants alternating.
 */
export function shardRecords(shardId: string, start: number, count: number, stepMs: number): ConsumerRecord[] {
  return Array.from({ length: count }, (_, n): ConsumerRecord => {
    const tenant = TENANTS[n % TENANTS.length];
    const value =
      n % 3 === 0
        ? { n, shardId, note: "plain" }
        : {
            item: `${shardId}#${n}`,
            quantity: n,
            lines: Array.from({ length: n % 3 }, (_, k) => ({ sku: `s${k}`, price: k + n / 10 })),
            customer: n % 5 === 0 ? null : { id: n * 7, tags: ["a", "b"].slice(0, n % 3) },
            ...(n % 3 === 2 ? { coupon: `c${n}` } : {}),
          };
    const json = Buffer.from(JSON.stringify(value));
    return {
      shardId,
      tenant,
      partitionKey: `${tenant}|k${n}`,
      data: n % 3 === 0 ? json : encode(json, n % 3 === 1 ? V1 : V2, { compression: "none" }),
      sequenceNumber: String(49_000_000_000n + BigInt(n) * 10n),
      approximateArrivalTimestamp: new Date(start + n * stepMs),
    };
  });
}

/** Writes the records through one writer per shard, in batches, cutting segments at about `rollBytes`. */
export async function writeSegments(store: LakeStore, records: ConsumerRecord[], rollBytes = 2_000): Promise<void> {
  const shards = new Map<string, ConsumerRecord[]>();
  for (const r of records) shards.set(r.shardId, [...(shards.get(r.shardId) ?? []), r]);
  for (const [shardId, list] of shards) {
    const writer = new ShardLakeWriter(shardId, {
      store,
      schemas: ORDER_SCHEMAS,
      roll: { maxBytes: rollBytes, maxAgeMs: 3_600_000 },
      ageCheckMs: 3_600_000,
    });
    const checkpointer = { checkpoint: async () => undefined, checkpointAt: async () => undefined };
    for (let i = 0; i < list.length; i += 25) {
      await writer.processRecords({ records: list.slice(i, i + 25), checkpointer });
    }
    await writer.shutdownRequested({ checkpointer });
  }
}

/** A row's place in the stream: what must appear once. */
export const placeOf = (row: Record<string, unknown>) =>
  `${row.shard_id}/${row.sequence_number}/${row.sub_sequence_number}`;

/** Every row of a Parquet object, as comparable text (bigint and missing values made plain). */
export async function parquetRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return rows.map(
    (r) =>
      JSON.parse(
        JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v === undefined ? null : v)),
      ) as Record<string, unknown>,
  );
}
