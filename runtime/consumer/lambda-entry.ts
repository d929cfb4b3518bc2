/**
 * The processing Lambda's module (infra/processing-lambda.ts wraps `handle`): the default
 * logging processor over each event source mapping batch, with partial batch failures.
 */
import pino from "pino";
import { processKinesisBatch, BatchResponse, KinesisEventRecord } from "./lambda-batch";
import loggingProcessor from "./logging-processor";

const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { service: "processing-lambda" } });
const processors = loggingProcessor({ workerId: "lambda", log, checkpointIntervalMs: 0 });

export function handle(event: { Records: KinesisEventRecord[] }): Promise<BatchResponse> {
  return processKinesisBatch(event.Records, processors, (fields) => log.error(fields, "processing a record failed"));
}
