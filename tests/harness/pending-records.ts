/**
 * A record as the producer holds it once accepted (Pending), for the tests and the
 * aggregation benchmark that drive ShardBuffers directly: never sent, no deadline, nobody
 * waiting for its acknowledgement.
 */
import { Pending } from "../../runtime/ingest/shard-buffers";
import { UserRecord } from "../../runtime/stream/aggregation";
import { recordBytes } from "../../runtime/stream/limits";

export function pendingRecord(record: UserRecord, onFailed: (error: Error) => void = () => undefined): Pending {
  return {
    record,
    bytes: recordBytes(record.partitionKey, record.data),
    acceptedAt: 0,
    deadline: 0,
    retries: 0,
    settled: false,
    onFailed,
  };
}
