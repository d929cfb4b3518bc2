/**
 * One timed run of a producer over a KinesisPort: our KinesisProducer with the ingest
 * service's own defaults, or the naive baseline. Both go through a MeteredPort, so the
 * counts come from the same place and the backend's share of the wall time is known.
 */
import { UserRecord } from "../../runtime/stream/aggregation";
import { KinesisPort } from "../../runtime/ingest/kinesis-port";
import { KinesisProducer, ProducerOptions } from "../../runtime/ingest/kinesis-producer";
import { readIngestSettings } from "../../runtime/ingest/settings";
import { MeteredPort, PortCounts } from "./metered-port";
import { naivePut } from "./naive-producer";

export interface ProducerRun extends PortCounts {
  userRecords: number;
  wallMs: number;
}

/** What the deployed service runs with: the settings read from an environment with no overrides. */
export function serviceProducerOptions(records: number): ProducerOptions {
  // The producer's options do not depend on API keys; INGEST_AUTH=none only because its
  // default, apiKeys, would need a tenants table (TENANTS_TABLE) this run has no use for.
  const { producer } = readIngestSettings({ STREAM_NAME: "bench", AWS_REGION: "us-east-1", INGEST_AUTH: "none" });
  // Larger runs than the pending limit would be refused (503 in the service); the limit is
  // about memory under load, not about aggregation, so it is raised to fit the run.
  return { ...producer, pendingLimitRecords: Math.max(producer.pendingLimitRecords, records) };
}

export async function runOurs(port: KinesisPort, records: UserRecord[]): Promise<ProducerRun> {
  const metered = new MeteredPort(port);
  const producer = new KinesisProducer(metered, serviceProducerOptions(records.length));
  await producer.start();
  const started = performance.now();
  const acks = records.map((r) => producer.put(r));
  // flush() instead of waiting out RecordMaxBufferedTime (100 ms): the naive producer has
  // no such delay, and the delay is a setting, not a cost. The counts are the same either
  // way, since full aggregates are sealed as they fill and the rest when the timer fires.
  await producer.flush();
  await Promise.all(acks);
  const wallMs = performance.now() - started;
  await producer.close(1000);
  return { userRecords: records.length, wallMs, ...metered.counts };
}

export async function runNaive(port: KinesisPort, records: UserRecord[]): Promise<ProducerRun> {
  const metered = new MeteredPort(port);
  const started = performance.now();
  await naivePut(metered, records);
  const wallMs = performance.now() - started;
  return { userRecords: records.length, wallMs, ...metered.counts };
}
