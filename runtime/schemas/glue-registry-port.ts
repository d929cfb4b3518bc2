/**
 * The setup function's registry port on Glue. Every call names the schema by registry and
 * schema name (and a version by its number), never by SchemaVersionId: a call by id carries
 * no registry or schema for IAM to match, so only `"Resource": "*"` would authorize it
 * (awslabs/aws-glue-schema-registry#68), while these are authorized by the registry's and
 * the schema's ARNs (infra/schemas/schema-registry.ts grants exactly those).
 */
import {
  CheckSchemaVersionValidityCommand,
  DeleteSchemaVersionsCommand,
  EntityNotFoundException,
  GetSchemaVersionCommand,
  GetSchemaVersionsDiffCommand,
  GlueClient,
  PutSchemaVersionMetadataCommand,
  QuerySchemaVersionMetadataCommand,
  RegisterSchemaVersionCommand,
} from "@aws-sdk/client-glue";
import { RegistryVersion, SchemaRegistryPort, VersionStatus } from "./registry-port";

/** QuerySchemaVersionMetadata's page size: at most 50 (Glue API reference); a version holds at most 10 pairs. */
const METADATA_PAGE = 50;
/** More pages than a version with 10 pairs can fill: a registry answering tokens for ever stops here. */
const METADATA_PAGES_MAX = 10;

export function glueRegistryPort(glue: GlueClient, registryName: string): SchemaRegistryPort {
  const schemaId = (schema: string) => ({ RegistryName: registryName, SchemaName: schema });
  const versionOf = (out: {
    VersionNumber?: number;
    SchemaVersionId?: string;
    Status?: string;
    SchemaDefinition?: string;
  }): RegistryVersion => ({
    versionNumber: out.VersionNumber ?? 0,
    schemaVersionId: out.SchemaVersionId ?? "",
    status: (out.Status ?? "PENDING") as VersionStatus,
    definition: out.SchemaDefinition ?? "",
  });

  return {
    async latest(schema) {
      return versionOf(
        await glue.send(
          new GetSchemaVersionCommand({ SchemaId: schemaId(schema), SchemaVersionNumber: { LatestVersion: true } }),
        ),
      );
    },

    async version(schema, versionNumber) {
      try {
        return versionOf(
          await glue.send(
            new GetSchemaVersionCommand({
              SchemaId: schemaId(schema),
              SchemaVersionNumber: { VersionNumber: versionNumber },
            }),
          ),
        );
      } catch (error) {
        if (error instanceof EntityNotFoundException) return undefined;
        throw error;
      }
    },

    async validity(definition) {
      const out = await glue.send(
        new CheckSchemaVersionValidityCommand({ DataFormat: "JSON", SchemaDefinition: definition }),
      );
      return out.Valid ? { valid: true } : { valid: false, error: out.Error ?? "(Glue gave no reason)" };
    },

    async register(schema, definition) {
      const out = await glue.send(
        new RegisterSchemaVersionCommand({ SchemaId: schemaId(schema), SchemaDefinition: definition }),
      );
      return { ...versionOf(out), definition };
    },

    async diff(schema, from, to) {
      const out = await glue.send(
        new GetSchemaVersionsDiffCommand({
          SchemaId: schemaId(schema),
          FirstSchemaVersionNumber: { VersionNumber: from },
          SecondSchemaVersionNumber: { VersionNumber: to },
          SchemaDiffType: "SYNTAX_DIFF",
        }),
      );
      return out.Diff ?? "";
    },

    async deleteVersion(schema, versionNumber) {
      // Per-version failures come back in the answer, not as an exception.
      const out = await glue.send(
        new DeleteSchemaVersionsCommand({ SchemaId: schemaId(schema), Versions: String(versionNumber) }),
      );
      const errors = out.SchemaVersionErrors ?? [];
      return errors.length === 0
        ? { deleted: true }
        : {
            deleted: false,
            error: errors
              .map((e) => `${e.ErrorDetails?.ErrorCode ?? "error"}: ${e.ErrorDetails?.ErrorMessage ?? "no message"}`)
              .join("; "),
          };
    },

    async metadata(schema, versionNumber) {
      const values: Record<string, string[]> = {};
      let token: string | undefined;
      for (let page = 0; page < METADATA_PAGES_MAX; page++) {
        const out = await glue.send(
          new QuerySchemaVersionMetadataCommand({
            SchemaId: schemaId(schema),
            SchemaVersionNumber: { VersionNumber: versionNumber },
            MaxResults: METADATA_PAGE,
            NextToken: token,
          }),
        );
        for (const [key, info] of Object.entries(out.MetadataInfoMap ?? {})) {
          const all = [info.MetadataValue, ...(info.OtherMetadataValueList ?? []).map((o) => o.MetadataValue)];
          values[key] = [...(values[key] ?? []), ...all.filter((v): v is string => v !== undefined)];
        }
        token = out.NextToken;
        if (!token) break;
      }
      return values;
    },

    async putMetadata(schema, versionNumber, key, value) {
      await glue.send(
        new PutSchemaVersionMetadataCommand({
          SchemaId: schemaId(schema),
          SchemaVersionNumber: { VersionNumber: versionNumber },
          MetadataKeyValue: { MetadataKey: key, MetadataValue: value },
        }),
      );
    },
  };
}
