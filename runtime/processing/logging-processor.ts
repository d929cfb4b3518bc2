/**
 * The default record processor, as in the reference architecture: a structured log line
 * per record. Locally it also appends each record as one JSON line to a file (the
 * `processedFile` of `npm start`), so a user and the tests can see exactly what was
 * processed. It checkpoints at most every checkpoint interval, at shard end and at shutdown.
 */
import { appendFile } from "node:fs/promises";
import { Logger } from "pino";
import { ConsumerRecord, RecordProcessor, RecordProcessorFactory } from "./record-processor";

export interface ProcessorContext {
  workerId: string;
  log: Logger;
  /** Append every record as a JSON line here, when set. */
  processedFile?: string;
  checkpointIntervalMs: number;
}

/** What a processor module exports by default: PROCESSOR_MODULE names such a module. */
export type ProcessorModule = (context: ProcessorContext) => RecordProcessorFactory;

/** The JSON line written per record. */
export function processedLine(record: ConsumerRecord, workerId: string): string {
  return JSON.stringify({
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    ...(record.subSequenceNumber !== undefined ? { subSequenceNumber: record.subSequenceNumber } : {}),
    tenant: record.tenant,
    partitionKey: record.partitionKey,
    data: record.data.toString("utf8"),
    ...(record.schema ? { schema: `${record.schema.schemaName}@${record.schema.versionNumber}` } : {}),
    workerId,
  });
}

const loggingProcessor: ProcessorModule = (context) => (shardId) => {
  let lastCheckpoint = Date.now();
  const log = context.log.child({ shardId });
  const processor: RecordProcessor = {
    initialize: ({ checkpoint }) => log.info({ checkpoint }, "processing shard"),
    processRecords: async ({ records, checkpointer, millisBehindLatest }) => {
      for (const r of records) {
        log.info(
          {
            sequenceNumber: r.sequenceNumber,
            subSequenceNumber: r.subSequenceNumber,
            tenant: r.tenant,
            partitionKey: r.partitionKey,
            bytes: r.data.length,
          },
          "record",
        );
      }
      if (context.processedFile) {
        await appendFile(context.processedFile, records.map((r) => processedLine(r, context.workerId) + "\n").join(""));
      }
      log.debug({ records: records.length, millisBehindLatest }, "processed records");
      if (Date.now() - lastCheckpoint >= context.checkpointIntervalMs) {
        await checkpointer.checkpoint();
        lastCheckpoint = Date.now();
      }
    },
    leaseLost: () => log.info("lease lost; another worker continues this shard"),
    shardEnded: async ({ checkpointer }) => {
      await checkpointer.checkpoint();
      log.info("shard ended and checkpointed");
    },
    shutdownRequested: async ({ checkpointer }) => {
      await checkpointer.checkpoint();
      log.info("checkpointed for shutdown");
    },
  };
  return processor;
};

export default loggingProcessor;
