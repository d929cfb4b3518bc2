/**
 * The schema registry's setup, run by a function the stack invokes at each `pulumi up` that
 * changes a schema file (after the schemas exist, before ingest and processing roll). The
 * stack creates each schema with its file as version 1 and leaves later definitions to this
 * function, so that a refused change fails the deploy with reasons rather than Glue's bare
 * FAILURE status. For each schema file:
 *
 *   1. the latest version unchanged (AVAILABLE, the file's JSON): nothing to register;
 *   2. otherwise Glue checks the file (CheckSchemaVersionValidity), registers it and checks it
 *      against the schema's compatibility mode; a refused version is explained (the project's
 *      compatibility check, the one `npm run schema:check` runs, and Glue's difference from
 *      the latest version) and deleted again, so the registry stays as it was;
 *   3. the version that holds the file gets its provenance as version metadata (file, hash,
 *      commit), once;
 *   4. the latest version must then be AVAILABLE and hold the file: what ingest validates
 *      with and what consumers meet first.
 *
 * Every problem of every schema is collected, and the function fails with all of them.
 */
import { sameJson } from "./canonical-json";
import { checksOf, Compatibility } from "./compatibility-mode";
import { RegistryVersion, SchemaRegistryPort } from "./registry-port";
import { checkReasons, checkSchemaFile } from "./schema-check";
import { provenanceMetadata, SchemaProvenance, SchemaSetupInput, SchemaToSetUp } from "./setup-input";
import { GRANT_PROPAGATION_WAIT_MS, REGISTRATION_WAIT_MS } from "./setup-contract";
import { describeDiff, invalidVerdict, latestVerdict, pendingVerdict, refusalVerdict } from "./setup-verdicts";

export const REGISTRATION_POLL_MS = 1_000;
const GRANT_POLL_MS = 2_000;

export interface SchemaSetupOptions {
  waitMs?: number;
  pollMs?: number;
  grantWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface SchemaOutcome {
  name: string;
  /** "unchanged": the latest version already held the file; "registered": a new version does now. */
  change: "unchanged" | "registered";
  version: number;
  /** "recorded" when this run wrote the provenance metadata, "kept" when the version had it. */
  provenance: "recorded" | "kept";
}

export interface SchemaSetupReport {
  registryName: string;
  schemas: SchemaOutcome[];
}

/** The setup's failure: every problem, each a sentence naming its schema and the fix. */
export class SchemaSetupError extends Error {
  override name = "SchemaSetupError";
  constructor(readonly problems: string[]) {
    super(problems.join(" | "));
  }
}

export async function setUpSchemas(
  registry: SchemaRegistryPort,
  input: SchemaSetupInput,
  options: SchemaSetupOptions = {},
): Promise<SchemaSetupReport> {
  const settings = {
    waitMs: options.waitMs ?? REGISTRATION_WAIT_MS,
    pollMs: options.pollMs ?? REGISTRATION_POLL_MS,
    grantWaitMs: options.grantWaitMs ?? GRANT_PROPAGATION_WAIT_MS,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    now: options.now ?? Date.now,
  };
  const steps = new SchemaSetupSteps(registry, input.registryName, input.compatibility, settings);
  const schemas: SchemaOutcome[] = [];
  const problems: string[] = [];
  for (const schema of input.schemas) {
    try {
      const outcome = await steps.setUp(schema);
      if (typeof outcome === "string") problems.push(outcome);
      else schemas.push(outcome);
    } catch (error) {
      problems.push(`schema "${schema.name}": ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new SchemaSetupError(problems);
  return { registryName: input.registryName, schemas };
}

type Settings = Required<SchemaSetupOptions>;

class SchemaSetupSteps {
  private granted = false;

  constructor(
    private readonly registry: SchemaRegistryPort,
    private readonly registryName: string,
    private readonly compatibility: Compatibility,
    private readonly settings: Settings,
  ) {}

  /** One schema: its outcome, or the problem in words. */
  async setUp(schema: SchemaToSetUp): Promise<SchemaOutcome | string> {
    const { name, definition, provenance } = schema;
    const latest = await this.settled(name, await this.onceGranted(() => this.registry.latest(name)));
    if (latest.status === "AVAILABLE" && holds(latest, definition)) {
      return {
        name,
        change: "unchanged",
        version: latest.versionNumber,
        provenance: await this.record(name, latest, provenance),
      };
    }
    if (latest.status === "PENDING") return pendingVerdict(name, latest.versionNumber, this.settings.waitMs);

    const validity = await this.registry.validity(definition);
    if (!validity.valid) return invalidVerdict(name, provenance.file, validity.error);
    const registered = await this.settled(name, await this.registry.register(name, definition));
    if (registered.status === "FAILURE") return this.refusal(schema, registered.versionNumber);
    if (registered.status !== "AVAILABLE") return pendingVerdict(name, registered.versionNumber, this.settings.waitMs);

    const recorded = await this.record(name, registered, provenance);
    const now = await this.registry.latest(name);
    const problem = latestVerdict(
      this.registryName,
      name,
      provenance.file,
      now,
      now.status === "AVAILABLE" && now.versionNumber === registered.versionNumber && holds(now, definition),
      registered.versionNumber,
    );
    return problem ?? { name, change: "registered", version: registered.versionNumber, provenance: recorded };
  }

  /** The run's first call, retried while the role's grant has not reached Glue yet. */
  private async onceGranted<T>(call: () => Promise<T>): Promise<T> {
    const deadline = this.settings.now() + this.settings.grantWaitMs;
    for (;;) {
      try {
        const result = await call();
        this.granted = true;
        return result;
      } catch (error) {
        const denied = (error as Error).name === "AccessDeniedException";
        if (this.granted || !denied || this.settings.now() >= deadline) throw error;
        await this.settings.sleep(GRANT_POLL_MS);
      }
    }
  }

  /** The version once Glue has decided on it, or still PENDING when the wait ran out. */
  private async settled(name: string, version: RegistryVersion): Promise<RegistryVersion> {
    const deadline = this.settings.now() + this.settings.waitMs;
    let current = version;
    while (current.status === "PENDING" && this.settings.now() < deadline) {
      await this.settings.sleep(this.settings.pollMs);
      const read = await this.registry.version(name, current.versionNumber);
      if (read === undefined) throw new Error(`version ${current.versionNumber} disappeared while PENDING`);
      // GetSchemaVersion by number answers the definition too; keep the registered one when it does not.
      current = { ...read, definition: read.definition || current.definition };
    }
    return current;
  }

  /** Writes the provenance keys the version lacks; a version that has them all keeps its own. */
  private async record(
    name: string,
    version: RegistryVersion,
    provenance: SchemaProvenance,
  ): Promise<"recorded" | "kept"> {
    const existing = await this.registry.metadata(name, version.versionNumber);
    const missing = provenanceMetadata(provenance).filter(([key]) => !(key in existing));
    for (const [key, value] of missing) await this.registry.putMetadata(name, version.versionNumber, key, value);
    return missing.length > 0 ? "recorded" : "kept";
  }

  /** Glue refused the file: why (the project's check), the difference, and the refused version deleted. */
  private async refusal(schema: SchemaToSetUp, refused: number): Promise<string> {
    const { name, definition, provenance } = schema;
    const history = await this.availableBefore(name, refused);
    const compared = checksOf(this.compatibility).allVersions ? history : history.slice(-1);
    const check = checkSchemaFile(
      {
        name,
        versions: [
          ...compared.map((v) => ({
            source: `version ${v.versionNumber}`,
            text: v.definition,
            version: v.versionNumber,
          })),
          { source: provenance.file, text: definition },
        ],
      },
      this.compatibility,
    );
    const latest = history.at(-1);
    let diff: { from: number; lines: string[] } | { error: string } | undefined;
    if (latest !== undefined) {
      try {
        diff = {
          from: latest.versionNumber,
          lines: describeDiff(await this.registry.diff(name, latest.versionNumber, refused)),
        };
      } catch (error) {
        diff = { error: `${(error as Error).name}: ${(error as Error).message}` };
      }
    }
    return refusalVerdict({
      registryName: this.registryName,
      schema: name,
      file: provenance.file,
      compatibility: this.compatibility,
      refusedVersion: refused,
      comparedWith: compared.map((v) => v.versionNumber),
      reasons: check.compatible ? [] : checkReasons(check),
      diff,
      deletion: await this.registry.deleteVersion(name, refused),
    });
  }

  /**
   * The AVAILABLE versions below `below`, oldest first: every one for the _ALL modes, else
   * the newest (refused and deleted versions leave gaps in the numbers).
   */
  private async availableBefore(name: string, below: number): Promise<RegistryVersion[]> {
    const all = checksOf(this.compatibility).allVersions;
    const found: RegistryVersion[] = [];
    for (let n = below - 1; n >= 1; n--) {
      const version = await this.registry.version(name, n);
      if (version?.status !== "AVAILABLE") continue;
      found.unshift(version);
      if (!all) break;
    }
    return found;
  }
}

/** Whether a version holds this definition: the same JSON, whatever the key order or spacing. */
function holds(version: RegistryVersion, definition: string): boolean {
  try {
    return sameJson(JSON.parse(version.definition), JSON.parse(definition));
  } catch {
    return false;
  }
}
