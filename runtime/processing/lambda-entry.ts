/**
 * The processing Lambda's module (infra/processing/processing-lambda.ts wraps `handle`): the default
 * logging processor over each event source mapping batch, with partial batch failures.
 */
import pino from "pino";
import { asPart } from "../common/aws/call-trace";
import { readEnv } from "../common/env";
import { processKinesisBatch, BatchResponse, KinesisEventRecord } from "./lambda-batch";
import loggingProcessor from "./logging-processor";
import { DeadLetters } from "./dead-letters";
import { SchemaDecoder } from "./schema-decoder";
import { openSchemaSource } from "../schemas/open-schema-source";
import { PROCESSING_LAMBDA } from "./lambda-contract";

// Read once, at the function's start: a bad setting fails its initialization, naming it.
const settings = readEnv(PROCESSING_LAMBDA.variables, process.env, (v) =>
  v.SCHEMA_REGISTRY_NAME && !v.AWS_REGION
    ? ["AWS_REGION is required with SCHEMA_REGISTRY_NAME (Lambda sets it; set it to run the function elsewhere)"]
    : [],
);
const log = pino({ level: settings.LOG_LEVEL, base: { service: "processing-lambda" } });
const processors = loggingProcessor({ workerId: "lambda", log, checkpointIntervalMs: 0 });
const registryName = settings.SCHEMA_REGISTRY_NAME;
const decoder = new SchemaDecoder(
  new DeadLetters((fields, msg) => log.error(fields, msg)),
  registryName ? openSchemaSource({ kind: "glue", registryName }, settings.AWS_REGION!) : undefined,
);

export function handle(event: { Records: KinesisEventRecord[] }): Promise<BatchResponse> {
  return asPart(PROCESSING_LAMBDA.part, PROCESSING_LAMBDA.variables, () =>
    processKinesisBatch(
      event.Records,
      processors,
      (fields) => log.error(fields, "processing a record failed"),
      decoder,
    ),
  );
}
