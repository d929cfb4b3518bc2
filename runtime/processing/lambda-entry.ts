/**
 * The processing Lambda's module (infra/processing/processing-lambda.ts wraps `handle`): the default
 * logging processor over each event source mapping batch, with partial batch failures.
 */
import pino from "pino";
import { asPart } from "../common/aws/call-trace";
import { processKinesisBatch, BatchResponse, KinesisEventRecord } from "./lambda-batch";
import loggingProcessor from "./logging-processor";
import { DeadLetters } from "./dead-letters";
import { SchemaDecoder } from "./schema-decoder";
import { openSchemaSource } from "../schemas/open-schema-source";

/** What the function reads of its environment (the stack sets the first two). */
const VARIABLES = ["SCHEMA_REGISTRY_NAME", "LOG_LEVEL", "AWS_REGION"] as const;

const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { service: "processing-lambda" } });
const processors = loggingProcessor({ workerId: "lambda", log, checkpointIntervalMs: 0 });
const registryName = process.env.SCHEMA_REGISTRY_NAME;
const decoder = new SchemaDecoder(
  new DeadLetters((fields, msg) => log.error(fields, msg)),
  registryName ? openSchemaSource({ kind: "glue", registryName }, process.env.AWS_REGION ?? "us-east-1") : undefined,
);

export function handle(event: { Records: KinesisEventRecord[] }): Promise<BatchResponse> {
  return asPart("processingLambda", VARIABLES, () =>
    processKinesisBatch(
      event.Records,
      processors,
      (fields) => log.error(fields, "processing a record failed"),
      decoder,
    ),
  );
}
