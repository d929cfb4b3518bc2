/**
 * Lambda mode: the same record processor, fed by a Kinesis event source mapping instead of
 * the lease coordinator. Lambda reads and checkpoints; this function de-aggregates each
 * Kinesis record, hands the user records to the processor shard by shard, and reports the
 * first failed record of each shard as a partial batch failure, so Lambda retries from
 * there (and, with bisect and the retry limit, sends a bad record to the on-failure queue
 * instead of blocking its shard).
 */
import { AggregationError } from "../stream/aggregation";
import { consumerRecordsOf } from "./consumer-records";
import { TRIM_HORIZON } from "./leases/lease";
import { RecordProcessorFactory } from "./record-processor";
import { SchemaDecoder } from "./schema-decoder";

/** The parts of a Lambda Kinesis event record this function reads. */
export interface KinesisEventRecord {
  /** "<shardId>:<sequenceNumber>" */
  eventID: string;
  kinesis: {
    partitionKey: string;
    data: string;
    sequenceNumber: string;
    approximateArrivalTimestamp?: number;
    explicitHashKey?: string;
  };
}

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Lambda checkpoints by itself; a processor's checkpoint calls have nothing to do here. */
const lambdaCheckpointer = { checkpoint: async () => undefined, checkpointAt: async () => undefined };

export async function processKinesisBatch(
  records: KinesisEventRecord[],
  processors: RecordProcessorFactory,
  onError: (fields: Record<string, unknown>) => void,
  /** Decodes schema-registry records; undecodable ones go to its dead letters, not back to Lambda. */
  decoder?: SchemaDecoder,
): Promise<BatchResponse> {
  const byShard = new Map<string, KinesisEventRecord[]>();
  for (const r of records) {
    const shardId = r.eventID.split(":")[0];
    byShard.set(shardId, [...(byShard.get(shardId) ?? []), r]);
  }
  const failures: { itemIdentifier: string }[] = [];
  for (const [shardId, shardRecords] of byShard) {
    const processor = processors(shardId);
    await processor.initialize({ shardId, checkpoint: TRIM_HORIZON });
    for (const r of shardRecords) {
      const { sequenceNumber } = r.kinesis;
      try {
        const consumerRecords = consumerRecordsOf(shardId, {
          sequenceNumber,
          partitionKey: r.kinesis.partitionKey,
          explicitHashKey: r.kinesis.explicitHashKey,
          data: Buffer.from(r.kinesis.data, "base64"),
          ...(r.kinesis.approximateArrivalTimestamp
            ? { approximateArrivalTimestamp: new Date(r.kinesis.approximateArrivalTimestamp * 1000) }
            : {}),
        });
        const decoded = decoder ? await decoder.decode(consumerRecords) : consumerRecords;
        if (decoded.length > 0) {
          await processor.processRecords({ shardId, records: decoded, checkpointer: lambdaCheckpointer });
        }
      } catch (e) {
        onError({
          shardId,
          sequenceNumber,
          corrupt: e instanceof AggregationError,
          err: e instanceof Error ? e.message : String(e),
        });
        // Lambda retries from the first failure of a shard: later records of it wait too.
        failures.push({ itemIdentifier: sequenceNumber });
        break;
      }
    }
  }
  return { batchItemFailures: failures };
}
