/**
 * The schema registry's setup function (infra/schemas/schema-registry.ts wraps `handle` in a Lambda
 * that the stack invokes once the schemas exist). The event is SchemaSetupInput; Glue is the
 * region's (AWS_REGION, which Lambda sets). The registry and the schemas it acts on are the
 * event's: they are the part's settings in the call trace.
 */
import { asPart, eventSetting, EventSettings } from "../common/aws/call-trace";
import { createGlueClient } from "../common/aws/glue-client";
import { glueRegistryPort } from "./glue-registry-port";
import { readSetupInput, SchemaSetupInput } from "./setup-input";
import { SchemaSetupReport, setUpSchemas } from "./setup";

/** What the function reads of its environment: Lambda sets the region. */
export const SCHEMA_SETUP_VARIABLES = ["AWS_REGION"] as const;

/** The event's fields that name what the function acts on: the registry, and each schema. */
export function schemaSetupSettings(input: SchemaSetupInput): EventSettings {
  return {
    [eventSetting("registryName")]: input.registryName,
    [eventSetting("schemas", "name")]: input.schemas.map((s) => s.name),
  };
}

export function handle(event: unknown): Promise<SchemaSetupReport> {
  const input = readSetupInput(event);
  return asPart(
    "schemaSetupLambda",
    SCHEMA_SETUP_VARIABLES,
    async () => {
      const region = process.env.AWS_REGION;
      if (!region) throw new Error("AWS_REGION is not set (Lambda sets it; set it to run the setup elsewhere)");
      const report = await setUpSchemas(glueRegistryPort(createGlueClient({ region }), input.registryName), input);
      console.log(JSON.stringify({ level: "info", msg: "schema registry set up", ...report }));
      return report;
    },
    schemaSetupSettings(input),
  );
}
