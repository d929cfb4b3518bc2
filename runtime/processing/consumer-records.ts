/**
 * A Kinesis record as the processor sees it: its user records, de-aggregated when it is a
 * KPL aggregate (each with its sub-sequence number), plain otherwise. The one conversion
 * for both the workers (GetRecords, SubscribeToShard) and the Lambda (an event source
 * mapping's batch), each with its tenant.
 */
import { deaggregate, isAggregate } from "../stream/aggregation";
import { tenantOf } from "../stream/tenant-key";
import { ConsumerRecord } from "./record-processor";

export interface KinesisRecordIn {
  sequenceNumber: string;
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
  approximateArrivalTimestamp?: Date;
}

/** Throws AggregationError when the record has the KPL magic but is corrupt. */
export function consumerRecordsOf(shardId: string, record: KinesisRecordIn): ConsumerRecord[] {
  const aggregated = isAggregate(record.data);
  return deaggregate(record).map((u, i) => ({
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
