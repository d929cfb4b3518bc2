/**
 * Environment variables every service of the pipeline reads the same way (ingest and
 * processing): where the stream is, how to log and report metrics, where schemas live.
 * Each service's settings spread these into its own table.
 */
import { httpUrl, integer, matching, oneOf } from "./env";

export const STREAM_VARIABLES = {
  STREAM_NAME: {
    ...matching(/^[a-zA-Z0-9_.-]{1,128}$/, "a stream name: 1 to 128 of a-z A-Z 0-9 _ . -"),
    purpose: "the Kinesis stream",
  },
  AWS_REGION: {
    ...matching(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-east-1"),
    purpose: "the AWS region its clients call (ECS on Fargate and Lambda set it)",
  },
  KINESIS_ENDPOINT: {
    ...httpUrl,
    default: "" as const,
    purpose: "Kinesis endpoint for local emulators; unset means AWS",
  },
};

export const SCHEMA_REGISTRY_VARIABLES = {
  SCHEMA_REGISTRY_NAME: {
    ...matching(/^[a-zA-Z0-9\-_$#.]{1,255}$/, "a Glue registry name"),
    default: "" as const,
    purpose: "the Glue Schema Registry holding the schemas (on AWS)",
  },
  SCHEMA_REGISTRY_FILE: {
    ...matching(/^\S+$/, "a file path"),
    default: "" as const,
    purpose: "the local registry file holding the schemas (local stack)",
  },
};

export const REPORTING_VARIABLES = {
  METRICS_INTERVAL_MS: {
    ...integer(1000, 3_600_000),
    default: "60000",
    purpose: "how often EMF metrics are written to stdout",
  },
  LOG_LEVEL: {
    ...oneOf("fatal", "error", "warn", "info", "debug", "trace", "silent"),
    default: "info",
    purpose: "JSON log level",
  },
};
