/**
 * The Glue Schema Registry as a schema source: GetSchemaVersion for the latest version of a
 * schema or a version by id, and (auto-registration) GetSchemaByDefinition, then
 * RegisterSchemaVersion when the definition is new. Glue checks a new version against the
 * schema's compatibility mode and answers FAILURE when it breaks it: at once, or after
 * PENDING. Either way the registration is refused (RefusedSchemaVersionError), never taken.
 */
import {
  EntityNotFoundException,
  GetSchemaByDefinitionCommand,
  GetSchemaVersionCommand,
  GlueClient,
  RegisterSchemaVersionCommand,
} from "@aws-sdk/client-glue";
import { SchemaRegistryError } from "./schema-registry-errors";
import { deleteCommand } from "./setup-verdicts";
import { SchemaSource, SchemaVersionInfo } from "./schema-source";

/** A new version is checked asynchronously: wait this long for AVAILABLE or FAILURE. */
const REGISTRATION_WAIT_MS = 30_000;
const REGISTRATION_POLL_MS = 500;

export interface GlueSchemaSourceOptions {
  /** How long a new version may stay PENDING (default REGISTRATION_WAIT_MS). */
  waitMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A definition Glue would not make the schema's next version: its status (FAILURE when it
 * breaks the schema's compatibility mode), in Glue's words, and what is left to do. The
 * refused version keeps its number, and while it is the schema's latest version every
 * reader of the latest version gets it; the services' roles may not delete schema versions
 * (only the registry's setup function may), so the message hands the operator the command.
 */
export class RefusedSchemaVersionError extends SchemaRegistryError {
  override name = "RefusedSchemaVersionError";
  constructor(
    readonly registryName: string,
    readonly schemaName: string,
    readonly versionNumber: number,
    readonly status: string,
    /** The schema's latest version after the refusal, when it could be read. */
    readonly latestVersion: number | undefined,
  ) {
    const latest =
      latestVersion === versionNumber
        ? `Version ${versionNumber} is now the schema's latest version: readers of the latest version get it until it is deleted.`
        : latestVersion === undefined
          ? `Version ${versionNumber} may be the schema's latest version, which readers of the latest version would get.`
          : `The latest version is still ${latestVersion}.`;
    super(
      `schema "${schemaName}" in registry ${registryName}: Glue refused the definition: RegisterSchemaVersion gave version ${versionNumber} status ${status}` +
        `${status === "FAILURE" ? " (it breaks the schema's compatibility mode)" : ""}. ${latest} ` +
        `This service's role may not delete schema versions: delete it with \`${deleteCommand(registryName, schemaName, String(versionNumber))}\`, ` +
        `then make the definition compatible (npm run schema:check says why it is not) or change schemaCompatibility, and start again.`,
    );
  }
}

/**
 * The schema's latest version is not one to write with: a version Glue refused (FAILURE),
 * one still being checked (PENDING), or one being deleted. Validating against it, and
 * naming it in records, would spread a definition the registry did not accept.
 */
export class UnavailableLatestVersionError extends SchemaRegistryError {
  override name = "UnavailableLatestVersionError";
  constructor(
    readonly registryName: string,
    readonly schemaName: string,
    readonly versionNumber: number,
    readonly status: string,
  ) {
    super(
      `schema "${schemaName}" in registry ${registryName}: its latest version, ${versionNumber}, has status ${status}, not AVAILABLE: ` +
        (status === "PENDING"
          ? "Glue is still checking it; start again in a moment."
          : `delete it with \`${deleteCommand(registryName, schemaName, String(versionNumber))}\` (or register a compatible definition), then start again.`),
    );
  }
}

export class GlueSchemaSource implements SchemaSource {
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: GlueClient,
    private readonly registryName: string,
    options: GlueSchemaSourceOptions = {},
  ) {
    this.waitMs = options.waitMs ?? REGISTRATION_WAIT_MS;
    this.pollMs = options.pollMs ?? REGISTRATION_POLL_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async latest(schemaName: string): Promise<SchemaVersionInfo> {
    const out = await this.client.send(
      new GetSchemaVersionCommand({
        SchemaId: { RegistryName: this.registryName, SchemaName: schemaName },
        SchemaVersionNumber: { LatestVersion: true },
      }),
    );
    if (out.Status !== "AVAILABLE") {
      throw new UnavailableLatestVersionError(
        this.registryName,
        schemaName,
        out.VersionNumber!,
        out.Status ?? "UNKNOWN",
      );
    }
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
    const status = await this.settled(schemaName, registered.SchemaVersionId!, registered.Status);
    if (status !== "AVAILABLE") {
      throw new RefusedSchemaVersionError(
        this.registryName,
        schemaName,
        registered.VersionNumber!,
        status ?? "UNKNOWN",
        await this.latest(schemaName).then(
          (v) => v.versionNumber,
          (e: unknown) => (e instanceof UnavailableLatestVersionError ? e.versionNumber : undefined),
        ),
      );
    }
    return this.versionOf(schemaName, registered.SchemaVersionId!, definition);
  }

  /** The new version's status once Glue has decided (polled by id while PENDING), bounded by the wait. */
  private async settled(
    schemaName: string,
    schemaVersionId: string,
    first: string | undefined,
  ): Promise<string | undefined> {
    const deadline = Date.now() + this.waitMs;
    let status = first;
    while (status === "PENDING") {
      if (Date.now() > deadline) {
        throw new SchemaRegistryError(`${schemaName}: the new version is still PENDING after ${this.waitMs} ms`);
      }
      await this.sleep(this.pollMs);
      status = (await this.client.send(new GetSchemaVersionCommand({ SchemaVersionId: schemaVersionId }))).Status;
    }
    return status;
  }

  private async versionOf(schemaName: string, schemaVersionId: string, definition: string): Promise<SchemaVersionInfo> {
    const v = await this.byId(schemaVersionId);
    return v ?? { schemaName, versionNumber: 0, schemaVersionId, definition };
  }
}
