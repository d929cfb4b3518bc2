/**
 * The ingest service's own counters, read back from the EMF documents it prints on stdout
 * (runtime/ingest/metrics.ts): how many user records it took, how many Kinesis records
 * and PutRecords calls that became, and how long records waited for their acknowledgement.
 */
import { readEmf } from "../../runtime/observability/emf-reading";

export interface ServiceCounters {
  userRecordsReceived: number;
  userRecordsAcknowledged: number;
  kinesisRecordsPut: number;
  putRecordsCalls: number;
  recordsExpired: number;
  /** Acceptance to acknowledgement, mean and max over all acknowledged records. */
  bufferingMsAverage: number;
  bufferingMsMax: number;
  rejects: Record<string, number>;
}

export function serviceCounters(lines: string[]): ServiceCounters {
  const c: ServiceCounters = {
    userRecordsReceived: 0,
    userRecordsAcknowledged: 0,
    kinesisRecordsPut: 0,
    putRecordsCalls: 0,
    recordsExpired: 0,
    bufferingMsAverage: 0,
    bufferingMsMax: 0,
    rejects: {},
  };
  let bufferedSum = 0;
  for (const line of lines) {
    const doc = readEmf(line);
    if (!doc) continue;
    const m = doc.metrics;
    const reason = doc.dimensions.Reason;
    if (reason !== undefined) {
      c.rejects[reason] = (c.rejects[reason] ?? 0) + (m.Rejects ?? 0);
      continue;
    }
    const acknowledged = m.UserRecordsAcknowledged ?? 0;
    c.userRecordsReceived += m.UserRecordsReceived ?? 0;
    c.userRecordsAcknowledged += acknowledged;
    c.kinesisRecordsPut += m.KinesisRecordsPut ?? 0;
    c.putRecordsCalls += m.PutRecordsCalls ?? 0;
    c.recordsExpired += m.RecordsExpired ?? 0;
    bufferedSum += (m.BufferingTimeAverage ?? 0) * acknowledged;
    c.bufferingMsMax = Math.max(c.bufferingMsMax, m.BufferingTimeMax ?? 0);
  }
  c.bufferingMsAverage = c.userRecordsAcknowledged ? bufferedSum / c.userRecordsAcknowledged : 0;
  return c;
}
