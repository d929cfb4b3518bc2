/**
 * The Glue Schema Registry played by a local server (aws-json-stand-in.ts): one registry of
 * JSON schemas in memory, answering the calls the runtime makes (GetSchemaVersion by schema
 * and latest or by version id, GetSchemaByDefinition, RegisterSchemaVersion). A registered
 * version is PENDING until it is first asked for, then AVAILABLE, as Glue checks a new
 * version asynchronously.
 */
import { randomUUID } from "node:crypto";
import { AwsError, AwsJsonStandIn, startAwsJsonStandIn } from "./aws-json-stand-in";

interface Version {
  schemaName: string;
  versionNumber: number;
  schemaVersionId: string;
  definition: string;
  status: "PENDING" | "AVAILABLE";
}

export interface GlueStandIn extends AwsJsonStandIn {
  registryName: string;
  /** Adds an AVAILABLE version of `schemaName`; returns its id. */
  addVersion(schemaName: string, definition: string): string;
}

const ACCOUNT = "123456789012";

export async function startGlueStandIn(registryName: string, region = "us-east-1"): Promise<GlueStandIn> {
  const versions: Version[] = [];
  const schemaArn = (schemaName: string) => `arn:aws:glue:${region}:${ACCOUNT}:schema/${registryName}/${schemaName}`;
  const schemaOf = (id: { RegistryName?: string; SchemaName?: string } | undefined) => {
    if (id?.RegistryName !== registryName) {
      throw new AwsError("EntityNotFoundException", `registry ${String(id?.RegistryName)} not found`);
    }
    const found = versions.filter((v) => v.schemaName === id.SchemaName);
    if (found.length === 0) throw new AwsError("EntityNotFoundException", `schema ${String(id.SchemaName)} not found`);
    return found;
  };
  const answer = (v: Version) => ({
    SchemaVersionId: v.schemaVersionId,
    SchemaDefinition: v.definition,
    DataFormat: "JSON",
    SchemaArn: schemaArn(v.schemaName),
    VersionNumber: v.versionNumber,
    Status: v.status,
  });
  const add = (schemaName: string, definition: string, status: Version["status"]) => {
    const version: Version = {
      schemaName,
      versionNumber: versions.filter((v) => v.schemaName === schemaName).length + 1,
      schemaVersionId: randomUUID(),
      definition,
      status,
    };
    versions.push(version);
    return version;
  };

  const standIn = await startAwsJsonStandIn({
    GetSchemaVersion: (input) => {
      if (input.SchemaVersionId) {
        const v = versions.find((x) => x.schemaVersionId === input.SchemaVersionId);
        if (!v) throw new AwsError("EntityNotFoundException", `schema version ${input.SchemaVersionId} not found`);
        v.status = "AVAILABLE";
        return answer(v);
      }
      const found = schemaOf(input.SchemaId);
      const wanted = input.SchemaVersionNumber?.VersionNumber;
      const v = wanted === undefined ? found[found.length - 1] : found.find((x) => x.versionNumber === wanted);
      if (!v) throw new AwsError("EntityNotFoundException", `version ${wanted} not found`);
      return answer(v);
    },
    GetSchemaByDefinition: (input) => {
      const v = schemaOf(input.SchemaId).find((x) => x.definition === input.SchemaDefinition);
      if (!v) throw new AwsError("EntityNotFoundException", "no version with this definition");
      return answer(v);
    },
    RegisterSchemaVersion: (input) => {
      schemaOf(input.SchemaId);
      const v = add(input.SchemaId.SchemaName, input.SchemaDefinition, "PENDING");
      return { SchemaVersionId: v.schemaVersionId, VersionNumber: v.versionNumber, Status: v.status };
    },
  });
  return {
    ...standIn,
    registryName,
    addVersion: (schemaName, definition) => add(schemaName, definition, "AVAILABLE").schemaVersionId,
  };
}
