/**
 * The schema registry's setup function (infra/schema-registry.ts wraps `handle` in a Lambda
 * that the stack invokes once the schemas exist). The event is SchemaSetupInput; Glue is the
 * region's (AWS_REGION, which Lambda sets).
 */
import { createGlueClient } from "../aws/glue-client";
import { glueRegistryPort } from "./glue-registry-port";
import { readSetupInput } from "./setup-input";
import { SchemaSetupReport, setUpSchemas } from "./setup";

export async function handle(event: unknown): Promise<SchemaSetupReport> {
  const input = readSetupInput(event);
  const region = process.env.AWS_REGION;
  if (!region) throw new Error("AWS_REGION is not set (Lambda sets it; set it to run the setup elsewhere)");
  const report = await setUpSchemas(glueRegistryPort(createGlueClient({ region }), input.registryName), input);
  console.log(JSON.stringify({ level: "info", msg: "schema registry set up", ...report }));
  return report;
}
