/** The schema source a service's settings name: Glue on AWS, the local registry file locally. */
import { GlueClient } from "@aws-sdk/client-glue";
import { GlueSchemaSource } from "./glue-schema-source";
import { LocalSchemaSource } from "./local-schema-source";
import { CachedSchemaSource } from "./schema-source";

export type RegistryLocation = { kind: "glue"; registryName: string } | { kind: "file"; file: string };

export function openSchemaSource(location: RegistryLocation, region: string): CachedSchemaSource {
  return new CachedSchemaSource(
    location.kind === "glue"
      ? new GlueSchemaSource(new GlueClient({ region }), location.registryName)
      : new LocalSchemaSource(location.file),
  );
}
