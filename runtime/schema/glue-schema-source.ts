/**
 * The Glue Schema Registry as a schema source: GetSchemaVersion for the latest version of a
 * schema or a version by id, and (auto-registration) GetSchemaByDefinition, then
 * RegisterSchemaVersion when the definition is new. Glue checks a new version against the
 * schema's compatibility mode and answers FAILURE when it breaks it.
 */
import {
  EntityNotFoundException,
  GetSchemaByDefinitionCommand,
  GetSchemaVersionCommand,
  GlueClient,
  RegisterSchemaVersionCommand,
} from "@aws-sdk/client-glue";
import { SchemaRegistryError } from "./schema-registry-errors";
import { SchemaSource, SchemaVersionInfo } from "./schema-source";

/** A new version is checked asynchronously: wait this long for AVAILABLE or FAILURE. */
const REGISTRATION_WAIT_MS = 30_000;

export class GlueSchemaSource implements SchemaSource {
  constructor(
    private readonly client: GlueClient,
    private readonly registryName: string,
  ) {}

  async latest(schemaName: string): Promise<SchemaVersionInfo> {
    const out = await this.client.send(
      new GetSchemaVersionCommand({
        SchemaId: { RegistryName: this.registryName, SchemaName: schemaName },
        SchemaVersionNumber: { LatestVersion: true },
      }),
    );
    return {
      schemaName,
      versionNumber: out.VersionNumber!,
      schemaVersionId: out.SchemaVersionId!,
      definition: out.SchemaDefinition!,
    };
  }

  async byId(schemaVersionId: string): Promise<SchemaVersionInfo | undefined> {
    try {
      const out = await this.client.send(new GetSchemaVersionCommand({ SchemaVersionId: schemaVersionId }));
      return {
        // arn:aws:glue:<region>:<account>:schema/<registry>/<schema>
        schemaName: out.SchemaArn!.split("/").pop()!,
        versionNumber: out.VersionNumber!,
        schemaVersionId,
        definition: out.SchemaDefinition!,
      };
    } catch (e) {
      if (e instanceof EntityNotFoundException) return undefined;
      throw e;
    }
  }

  async register(schemaName: string, definition: string): Promise<SchemaVersionInfo> {
    const schemaId = { RegistryName: this.registryName, SchemaName: schemaName };
    try {
      const found = await this.client.send(
        new GetSchemaByDefinitionCommand({ SchemaId: schemaId, SchemaDefinition: definition }),
      );
      if (found.Status === "AVAILABLE") return this.versionOf(schemaName, found.SchemaVersionId!, definition);
    } catch (e) {
      if (!(e instanceof EntityNotFoundException)) throw e;
    }
    const registered = await this.client.send(
      new RegisterSchemaVersionCommand({ SchemaId: schemaId, SchemaDefinition: definition }),
    );
    const deadline = Date.now() + REGISTRATION_WAIT_MS;
    for (let status = registered.Status; status === "PENDING";) {
      if (Date.now() > deadline)
        throw new SchemaRegistryError(
          `${schemaName}: the new version is still PENDING after ${REGISTRATION_WAIT_MS} ms`,
        );
      await new Promise((r) => setTimeout(r, 500));
      status = (await this.client.send(new GetSchemaVersionCommand({ SchemaVersionId: registered.SchemaVersionId })))
        .Status;
      if (status === "FAILURE") {
        throw new SchemaRegistryError(
          `${schemaName}: Glue refused the new version (it breaks the schema's compatibility mode)`,
        );
      }
    }
    return this.versionOf(schemaName, registered.SchemaVersionId!, definition);
  }

  private async versionOf(schemaName: string, schemaVersionId: string, definition: string): Promise<SchemaVersionInfo> {
    const v = await this.byId(schemaVersionId);
    return v ?? { schemaName, versionNumber: 0, schemaVersionId, definition };
  }
}
