/**
 * The ingest service's own counters, read back from the EMF documents it prints on stdout
 * (runtime/ingest/metrics.ts): how many user records it took, how many Kinesis records
 * and PutRecords calls that became, and how long records waited for their acknowledgement.
 */
import { readEmf } from "../../runtime/observability/emf-reading";
import {
  INGEST_REJECT_METRICS,
  PRODUCER_METRICS,
  REASON_DIMENSION,
} from "../../runtime/observability/metrics/pipeline";

const P = PRODUCER_METRICS;

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
    const m = (metric: { name: string }) => doc.metrics[metric.name] ?? 0;
    const reason = doc.dimensions[REASON_DIMENSION];
    if (reason !== undefined) {
      c.rejects[reason] = (c.rejects[reason] ?? 0) + m(INGEST_REJECT_METRICS.Rejects);
      continue;
    }
    const acknowledged = m(P.UserRecordsAcknowledged);
    c.userRecordsReceived += m(P.UserRecordsReceived);
    c.userRecordsAcknowledged += acknowledged;
    c.kinesisRecordsPut += m(P.KinesisRecordsPut);
    c.putRecordsCalls += m(P.PutRecordsCalls);
    c.recordsExpired += m(P.RecordsExpired);
    bufferedSum += m(P.BufferingTimeAverage) * acknowledged;
    c.bufferingMsMax = Math.max(c.bufferingMsMax, m(P.BufferingTimeMax));
  }
  c.bufferingMsAverage = c.userRecordsAcknowledged ? bufferedSum / c.userRecordsAcknowledged : 0;
  return c;
}
