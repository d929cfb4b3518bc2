/**
 * The schema registry's setup function (infra/schemas/schema-registry.ts wraps `handle` in a Lambda
 * that the stack invokes once the schemas exist). The event is SchemaSetupInput; Glue is the
 * region's (AWS_REGION, which Lambda sets). The registry and the schemas it acts on are the
 * event's: they are the part's settings in the call trace.
 */
import { asPart, eventSetting, EventSettings } from "../common/aws/call-trace";
import { createGlueClient } from "../common/aws/glue-client";
import { glueRegistryPort } from "./glue-registry-port";
import { readEnv } from "../common/env";
import { readSetupInput, SchemaSetupInput } from "./setup-input";
import { SchemaSetupReport, setUpSchemas } from "./setup";
import { SCHEMA_SETUP } from "./setup-contract";

/** The event's fields that name what the function acts on: the registry, and each schema (SCHEMA_SETUP's resources). */
export function schemaSetupSettings(input: SchemaSetupInput): EventSettings {
  return {
    [eventSetting("registryName")]: input.registryName,
    [eventSetting("schemas", "name")]: input.schemas.map((s) => s.name),
  };
}

export function handle(event: unknown): Promise<SchemaSetupReport> {
  const input = readSetupInput(event);
  return asPart(
    SCHEMA_SETUP.part,
    SCHEMA_SETUP.variables,
    async () => {
      // Lambda sets the region; set it to run the setup elsewhere.
      const { AWS_REGION: region } = readEnv(SCHEMA_SETUP.variables, process.env);
      const report = await setUpSchemas(glueRegistryPort(createGlueClient({ region }), input.registryName), input);
      console.log(JSON.stringify({ level: "info", msg: "schema registry set up", ...report }));
      return report;
    },
    schemaSetupSettings(input),
  );
}
