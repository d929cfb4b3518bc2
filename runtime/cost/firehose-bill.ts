/**
 * What Amazon Data Firehose would charge to do the lake writer's job: read the stream, convert
 * each record to Parquet, partition by tenant and hour, and deliver objects to S3. The stack
 * builds no delivery stream; `npm run cost` prices this beside the lake writer so the choice
 * is made with figures (docs/lake.md).
 *
 * How Firehose bills (https://aws.amazon.com/firehose/pricing/):
 * - ingestion from a Kinesis stream, per GB with each record rounded up to 5 KB: the records
 *   Firehose reads are the stream's, so ingest's aggregates (tens to hundreds of KB) lose
 *   little to the rounding, where unaggregated 200 B records would be billed as 5 KB each;
 * - format conversion (JSON to Parquet), per GB on the same rounded bytes;
 * - dynamic partitioning, per GB delivered and per 1,000 objects delivered.
 * Firehose de-aggregates KPL records before delivery
 * (https://docs.aws.amazon.com/streams/latest/dev/kpl-with-firehose.html).
 *
 * Not counted, and each would add to Firehose's side: the tenant is in the Kinesis partition
 * key, and dynamic partitioning's inline parsing reads only the record's JSON data
 * (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-partitioning-keys.html),
 * so partitioning by tenant needs a Lambda transform (billed as Lambda); and Firehose delivers
 * at least once, so a retried delivery is a duplicate object that a query must tolerate.
 */
import { BillLine } from "./stream-bill";
import { BYTES_PER_GB } from "./stream-traffic";

/** Firehose rounds each record up to this many bytes for ingestion and format conversion. */
export const FIREHOSE_BILLING_ROUND_BYTES = 5 * 1024;

export interface FirehoseLoad {
  /** Records per second Firehose reads from the stream, and their mean size in bytes. */
  recordsPerSecond: number;
  recordBytes: number;
  /** Bytes per second of user data it delivers (de-aggregated). */
  deliveredBytesPerSecond: number;
  /** Objects it writes per hour: one per partition (tenant, date, hour) per buffer flush. */
  objectsPerHour: number;
}

/** Bytes as Firehose bills them: each record rounded up to 5 KB. */
export function firehoseBilledBytes(records: number, recordBytes: number): number {
  return records * Math.ceil(recordBytes / FIREHOSE_BILLING_ROUND_BYTES) * FIREHOSE_BILLING_ROUND_BYTES;
}

/**
 * Objects an hour: each active partition's buffer is flushed every `bufferSeconds` under
 * light load (dynamic partitioning buffers per partition; the interval is 60 to 900 s).
 */
export function firehoseObjectsPerHour(partitions: number, bufferSeconds: number): number {
  return partitions * Math.ceil(3600 / bufferSeconds);
}

export function firehoseBill(load: FirehoseLoad): BillLine[] {
  const billedGbPerHour = (firehoseBilledBytes(load.recordsPerSecond, load.recordBytes) * 3600) / BYTES_PER_GB;
  const objectsPerHour = load.objectsPerHour / 1000;
  return [
    { what: "ingestion (records rounded up to 5 KB)", perHour: billedGbPerHour, price: "firehoseIngestGb" },
    { what: "format conversion to Parquet", perHour: billedGbPerHour, price: "firehoseFormatConversionGb" },
    {
      what: "dynamic partitioning (data)",
      perHour: (load.deliveredBytesPerSecond * 3600) / BYTES_PER_GB,
      price: "firehoseDynamicPartitioningGb",
    },
    { what: "dynamic partitioning (objects)", perHour: objectsPerHour, price: "firehoseDynamicPartitioningObjects" },
    { what: "S3 PUT requests of its objects", perHour: objectsPerHour, price: "s3PutRequests" },
  ];
}
