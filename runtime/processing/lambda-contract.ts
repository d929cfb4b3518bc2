/**
 * The processing Lambda's contract: the workers' default record processor over each batch
 * of an event source mapping on the stream, with partial batch failures. The mapping reads
 * the stream with the function's role; the function's own code only fetches schema versions
 * to decode records written with a schema header.
 */
import { defineContract, setByPlatform } from "../common/contract";
import { STREAM_VARIABLES, REPORTING_VARIABLES, SCHEMA_REGISTRY_VARIABLES } from "../common/service-variables";

export const PROCESSING_LAMBDA_VARIABLES = {
  SCHEMA_REGISTRY_NAME: SCHEMA_REGISTRY_VARIABLES.SCHEMA_REGISTRY_NAME,
  LOG_LEVEL: REPORTING_VARIABLES.LOG_LEVEL,
  // Lambda sets it; read only to reach the registry.
  AWS_REGION: setByPlatform({ ...STREAM_VARIABLES.AWS_REGION, default: "" as const }, "Lambda"),
};

export const PROCESSING_LAMBDA = defineContract({
  part: "processingLambda",
  purpose: "processing in lambda mode: the default record processor over event source mapping batches",
  entry: { kind: "lambda", module: "dist/runtime/processing/lambda-entry.js" },
  variables: PROCESSING_LAMBDA_VARIABLES,
  resources: {},
  // By the version id a record's schema header names.
  calls: [{ action: "glue:GetSchemaVersion", on: "*", when: { SCHEMA_REGISTRY_NAME: true } }],
  metrics: [],
});
