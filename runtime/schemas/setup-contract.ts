/**
 * The schema registry's setup function's contract: a Lambda the stack invokes with
 * SchemaSetupInput (setup-input.ts) once the schemas exist, and again whenever a schema file
 * or the function changes. It registers each file as the schema's next version where the
 * latest differs, records the version's provenance as its metadata, and fails the deploy in
 * Glue's words when the registry refuses a version. The registry and the schemas it acts on
 * come from its event (the settings `event.registryName` and `event.schemas[].name`).
 */
import { defineContract, setByPlatform } from "../common/contract";
import { STREAM_VARIABLES } from "../common/service-variables";

/** How long a new version may stay PENDING: Glue checks compatibility asynchronously. */
export const REGISTRATION_WAIT_MS = 60_000;
/**
 * The stack creates the function's role and grant just before it invokes the function, and
 * IAM is eventually consistent ("Changes that I make are not always immediately visible",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency):
 * the run's first call is retried on AccessDeniedException for this long.
 */
export const GRANT_PROPAGATION_WAIT_MS = 60_000;

export const SCHEMA_SETUP = defineContract({
  part: "schemaSetupLambda",
  purpose: "the schema registry's setup function: each schema file as its schema's latest version, or the refusal",
  entry: { kind: "lambda", module: "dist/runtime/schemas/setup-entry.js" },
  variables: { AWS_REGION: setByPlatform(STREAM_VARIABLES.AWS_REGION, "Lambda") },
  resources: {
    /** Each schema of the event, in the event's registry: every call names both (a version by number, never by id). */
    schema: { named: ["event.registryName", "event.schemas[].name"] },
  },
  calls: [
    { action: "glue:GetSchemaVersion", on: "schema" },
    { action: "glue:RegisterSchemaVersion", on: "schema" },
    { action: "glue:GetSchemaVersionsDiff", on: "schema" },
    { action: "glue:DeleteSchemaVersions", on: "schema" },
    { action: "glue:QuerySchemaVersionMetadata", on: "schema" },
    { action: "glue:PutSchemaVersionMetadata", on: "schema" },
    // It checks a definition before registering it: the call names no registry or schema.
    { action: "glue:CheckSchemaVersionValidity", on: "*" },
  ],
  metrics: [],
});
