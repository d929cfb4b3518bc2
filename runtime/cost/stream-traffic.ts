/**
 * What a steady traffic asks of the stream, with and without ingest's aggregation: Kinesis
 * records per second, PUT payload units (what provisioned streams bill per record), GB in
 * as on-demand bills it (each record rounded up to 1 KB), and the shards it fills.
 *
 * Ingest packs user records into one aggregate per destination shard (KPL format, at most
 * `aggregationMaxSize` bytes) and sends a shard's aggregate when it is full or its oldest
 * record has waited `maxBufferedMs`. How many records fit is measured with the encoder
 * itself (AggregateBuilder), so the model follows the wire format.
 */
import { KPL_DEFAULTS } from "../ingest/defaults";
import { AggregateBuilder } from "../stream/aggregation";
import { loadInShards } from "../stream/shard-sizing";

/**
 * A PUT payload unit: each record's payload (its data blob) is billed in 25 KB chunks
 * (Kinesis pricing page: a 5 KB record is one unit, a 45 KB record two).
 */
export const PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;
/** On-demand bills data in with each record rounded up to 1 KB (Kinesis pricing page). */
export const ON_DEMAND_BILLING_ROUND_BYTES = 1024;
export const BYTES_PER_GB = 1024 ** 3;

export interface Traffic {
  /** User records per second, steady. */
  recordsPerSecond: number;
  /** Data bytes of one user record. */
  recordBytes: number;
  /** Characters of a partition key (each record's own: the worst case for the key table). */
  partitionKeyBytes: number;
}

export interface StreamLoad {
  /** Kinesis records per second: user records, or aggregates. */
  kinesisRecordsPerSecond: number;
  /** Bytes per second into the stream (data plus partition key), what the 1 MiB/s per shard counts. */
  bytesPerSecond: number;
  putPayloadUnitsPerSecond: number;
  /** Bytes per second as on-demand bills them (records rounded up to 1 KB). */
  onDemandBilledBytesPerSecond: number;
  /** Shards the load fills at 100% usage (the busier of records and bytes), rounded up. */
  fullShards: number;
}

export interface AggregationEffect {
  without: StreamLoad;
  with: StreamLoad;
  /** User records in one aggregate. */
  recordsPerAggregate: number;
  aggregateBytes: number;
}

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / PUT_PAYLOAD_UNIT_BYTES));
const billed = (bytes: number) => Math.ceil(bytes / ON_DEMAND_BILLING_ROUND_BYTES) * ON_DEMAND_BILLING_ROUND_BYTES;

/** The load of `recordsPerSecond` Kinesis records of `dataBytes` data and a `keyBytes` partition key. */
export function streamLoad(recordsPerSecond: number, dataBytes: number, keyBytes: number): StreamLoad {
  // The partition key counts towards the shard's 1 MiB/s (service quotas page), not the payload units.
  const bytesPerSecond = recordsPerSecond * (dataBytes + keyBytes);
  return {
    kinesisRecordsPerSecond: recordsPerSecond,
    bytesPerSecond,
    putPayloadUnitsPerSecond: recordsPerSecond * units(dataBytes),
    onDemandBilledBytesPerSecond: recordsPerSecond * billed(dataBytes + keyBytes),
    fullShards: Math.max(1, Math.ceil(loadInShards(recordsPerSecond, bytesPerSecond) - 1e-9)),
  };
}

const fills = new Map<string, { records: number; bytes: number }>();

/** How many records of this shape the encoder fits into one aggregate, and its size (remembered per shape). */
export function aggregateFill(traffic: Traffic, maxSize: number = KPL_DEFAULTS.aggregationMaxSize) {
  const shape = `${traffic.recordBytes}/${traffic.partitionKeyBytes}/${maxSize}`;
  const known = fills.get(shape);
  if (known) return known;
  const builder = new AggregateBuilder();
  const data = Buffer.alloc(traffic.recordBytes, 0x61);
  let n = 0;
  // Distinct keys of the given length: every record adds its key to the aggregate's table.
  while (builder.tryAdd({ partitionKey: String(n).padStart(traffic.partitionKeyBytes, "k"), data }, maxSize)) n++;
  const fill = { records: n, bytes: builder.size };
  fills.set(shape, fill);
  return fill;
}

/**
 * The load of `traffic` on a stream of `shards` shards, plain and aggregated. An aggregate
 * leaves when full or after `maxBufferedMs`: at low rates each shard sends one every
 * `maxBufferedMs` holding what arrived meanwhile.
 */
export function aggregationEffect(
  traffic: Traffic,
  shards: number,
  options: { maxSize?: number; maxBufferedMs?: number } = {},
): AggregationEffect {
  const maxBufferedMs = options.maxBufferedMs ?? KPL_DEFAULTS.recordMaxBufferedTimeMs;
  const without = streamLoad(traffic.recordsPerSecond, traffic.recordBytes, traffic.partitionKeyBytes);
  const fill = aggregateFill(traffic, options.maxSize);
  const perShardPerFlush = (traffic.recordsPerSecond / Math.max(1, shards)) * (maxBufferedMs / 1000);
  const recordsPerAggregate = Math.max(1, Math.min(fill.records, perShardPerFlush));
  const aggregatesPerSecond = traffic.recordsPerSecond / recordsPerAggregate;
  // Bytes grow with the records in it; a full aggregate's size scaled down to a partial one.
  const aggregateBytes = (fill.bytes * recordsPerAggregate) / fill.records;
  // An aggregate's partition key is one of its records' (same length).
  const aggregated = streamLoad(aggregatesPerSecond, aggregateBytes, traffic.partitionKeyBytes);
  return { without, with: aggregated, recordsPerAggregate, aggregateBytes };
}
