/**
 * The baseline of the aggregation benchmark: what a producer without the KPL does. Each
 * user record becomes one Kinesis record, records go out in PutRecords calls of up to 500
 * (the API's limit), with as many calls in flight as our producer allows (KPL
 * MaxConnections), and entries Kinesis did not take are sent again. No aggregation, no
 * buffering delay: the simplest correct producer, so the comparison is about aggregation.
 */
import { UserRecord } from "../../runtime/stream/aggregation";
import { KinesisPort, PutEntry } from "../../runtime/ingest/kinesis-port";
import { KPL_DEFAULTS } from "../../runtime/ingest/defaults";

const MAX_ROUNDS = 10;
const RETRY_DELAY_MS = 100;

/** Writes every record; resolves once all are stored, throws if some never are. */
export async function naivePut(
  port: KinesisPort,
  records: UserRecord[],
  options: { batchSize?: number; maxConnections?: number } = {},
): Promise<void> {
  const batchSize = options.batchSize ?? KPL_DEFAULTS.collectionMaxCount;
  const maxConnections = options.maxConnections ?? KPL_DEFAULTS.maxConnections;
  let todo: PutEntry[] = records.map((r) => ({
    partitionKey: r.partitionKey,
    explicitHashKey: r.explicitHashKey,
    data: r.data,
  }));
  for (let round = 0; todo.length > 0; round++) {
    if (round === MAX_ROUNDS)
      throw new Error(`naive producer: ${todo.length} records not stored after ${round} rounds`);
    if (round > 0) await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
    const batches: PutEntry[][] = [];
    for (let i = 0; i < todo.length; i += batchSize) batches.push(todo.slice(i, i + batchSize));
    const failed: PutEntry[] = [];
    // A fixed pool of "connections", each taking the next batch when its call returns.
    const worker = async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        try {
          const results = await port.putRecords(batch);
          batch.forEach((entry, i) => {
            if (!results[i]?.ok) failed.push(entry);
          });
        } catch {
          failed.push(...batch);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(maxConnections, batches.length) }, worker));
    todo = failed;
  }
}
