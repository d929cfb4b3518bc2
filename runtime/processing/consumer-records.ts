/**
 * A Kinesis record as the processor sees it: its user records, de-aggregated when it is a
 * KPL aggregate (each with its sub-sequence number), plain otherwise. The one conversion
 * for both the workers (GetRecords, SubscribeToShard) and the Lambda (an event source
 * mapping's batch), each with its tenant.
 */
import { AggregationError, deaggregate, isAggregate } from "../stream/aggregation";
import { MIXED_TENANTS, tenantOf } from "../stream/tenant-key";
import { ConsumerRecord } from "./record-processor";

export interface KinesisRecordIn {
  sequenceNumber: string;
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
  approximateArrivalTimestamp?: Date;
}

/**
 * What becomes of a Kinesis record with the KPL magic whose MD5 or protobuf does not check
 * out. "throw": AggregationError, for a caller that sends it to its dead letters. "hand-on":
 * one record, the Kinesis record's bytes whole, with `corruptAggregate` saying why; the KCL
 * does the same with a bad MD5 or an unparsable protobuf (AggregatorUtil.deaggregate in
 * awslabs/amazon-kinesis-client hands the record on undecoded), and a processor that keeps
 * every record in order with its checkpoints (the lake) stores it where it stands.
 */
export type CorruptAggregates = "throw" | "hand-on";

/** Throws AggregationError when the record has the KPL magic but is corrupt, unless `corrupt` is "hand-on". */
export function consumerRecordsOf(
  shardId: string,
  record: KinesisRecordIn,
  corrupt: CorruptAggregates = "throw",
): ConsumerRecord[] {
  const aggregated = isAggregate(record.data);
  let users;
  try {
    users = deaggregate(record);
  } catch (e) {
    if (corrupt === "throw" || !(e instanceof AggregationError)) throw e;
    // Its own records cannot be read, nor whose they are: no one tenant's (MIXED_TENANTS), at
    // sub-sequence 0 like any one record.
    return [
      {
        shardId,
        tenant: MIXED_TENANTS,
        partitionKey: record.partitionKey,
        ...(record.explicitHashKey !== undefined ? { explicitHashKey: record.explicitHashKey } : {}),
        data: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.length),
        sequenceNumber: record.sequenceNumber,
        ...(record.approximateArrivalTimestamp
          ? { approximateArrivalTimestamp: record.approximateArrivalTimestamp }
          : {}),
        corruptAggregate: e.message,
      },
    ];
  }
  return users.map((u, i) => ({
    shardId,
    // Each user record of an aggregate keeps its own key, so its own tenant.
    tenant: tenantOf(u.partitionKey),
    partitionKey: u.partitionKey,
    ...(u.explicitHashKey !== undefined ? { explicitHashKey: u.explicitHashKey } : {}),
    data: u.data,
    sequenceNumber: record.sequenceNumber,
    ...(aggregated ? { subSequenceNumber: i } : {}),
    ...(record.approximateArrivalTimestamp ? { approximateArrivalTimestamp: record.approximateArrivalTimestamp } : {}),
  }));
}
