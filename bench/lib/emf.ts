/**
 * The ingest service's own counters, read back from the EMF documents it prints on stdout
 * (runtime/producer/metrics.ts): how many user records it took, how many Kinesis records
 * and PutRecords calls that became, and how long records waited for their acknowledgement.
 */
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
    if (!line.includes('"_aws"')) continue;
    const doc = JSON.parse(line) as Record<string, number | string>;
    if (typeof doc.Reason === "string") {
      c.rejects[doc.Reason] = (c.rejects[doc.Reason] ?? 0) + Number(doc.Rejects);
      continue;
    }
    const acknowledged = Number(doc.UserRecordsAcknowledged);
    c.userRecordsReceived += Number(doc.UserRecordsReceived);
    c.userRecordsAcknowledged += acknowledged;
    c.kinesisRecordsPut += Number(doc.KinesisRecordsPut);
    c.putRecordsCalls += Number(doc.PutRecordsCalls);
    c.recordsExpired += Number(doc.RecordsExpired);
    bufferedSum += Number(doc.BufferingTimeAverage) * acknowledged;
    c.bufferingMsMax = Math.max(c.bufferingMsMax, Number(doc.BufferingTimeMax));
  }
  c.bufferingMsAverage = c.userRecordsAcknowledged ? bufferedSum / c.userRecordsAcknowledged : 0;
  return c;
}
