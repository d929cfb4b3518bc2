/**
 * A Glue Schema Registry played by a local server speaking Glue's JSON 1.1 protocol
 * (aws-json-stand-in.ts: POST /, X-Amz-Target: AWSGlue.<Operation>), so the runtime's real
 * SDK client runs against it, reached through its endpoint option or AWS_ENDPOINT_URL_GLUE.
 * It speaks every operation the runtime calls: the registry's setup function's, and the
 * schema sources' of ingest and processing (GetSchemaVersion by schema and number or by
 * SchemaVersionId, GetSchemaByDefinition, RegisterSchemaVersion). Glue's behaviour as its
 * API reference and the providers' waiters show it: a new version is PENDING, then AVAILABLE
 * or FAILURE (a refused version keeps its number and is the latest until deleted); the same
 * definition registered again answers the version that holds it; the first version cannot be
 * deleted; at most 10 metadata pairs per version. Compatibility is judged with the project's
 * checker unless a test says otherwise (Glue's own rules are not ours).
 *
 * Not local-registry.ts: that registry refuses a breaking version outright, where Glue keeps
 * it as FAILURE, and it has no statuses, metadata or deletion.
 */
import { randomUUID } from "node:crypto";
import { sameJson } from "../../runtime/schemas/canonical-json";
import { checkCompatibility } from "../../runtime/schemas/compatibility";
import { checksOf, Compatibility } from "../../runtime/schemas/compatibility-mode";
import { compileSchema } from "../../runtime/schemas/json-validation";
import { VersionStatus } from "../../runtime/schemas/registry-port";
import { AwsError, AwsJsonStandIn, StandInCall, startAwsJsonStandIn } from "./aws-json-stand-in";

export const STAND_IN_REGION = "us-east-1";
const ACCOUNT = "123456789012";
/** Glue's limit of metadata pairs per version (PutSchemaVersionMetadata). */
const METADATA_PAIRS_MAX = 10;

export interface StandInVersion {
  versionNumber: number;
  schemaVersionId: string;
  definition: string;
  status: VersionStatus;
  /** Reads left before a PENDING version shows `verdict`. */
  pendingReads: number;
  verdict: VersionStatus;
  metadata: Map<string, string[]>;
}

export interface StandInSchema {
  name: string;
  compatibility: Compatibility;
  versions: StandInVersion[];
  /** Glue's NextSchemaVersion: numbers are not given twice, a deleted version leaves a gap. */
  nextVersion: number;
}

export type GlueCall = StandInCall;

export interface GlueStandInOptions {
  registryName: string;
  /** GetSchemaVersion reads a new version answers PENDING before its verdict (default 1). */
  pendingReads?: number;
  /** Glue's verdict on a new version where a test wants its own (a refusal the checker would not make). */
  verdict?: (schema: string, definition: string) => VersionStatus | undefined;
  /** The first this many calls are denied (AccessDeniedException), as while a new grant propagates. */
  deniedCalls?: number;
}

export interface GlueStandIn extends AwsJsonStandIn {
  registryName: string;
  /** What the stack's Schema resource does: CreateSchema with the file as version 1. */
  createSchema(name: string, definition: string, compatibility: Compatibility): StandInVersion;
  /** Adds a version as it stands (a leftover of an earlier deploy, say). */
  addVersion(name: string, definition: string, status: VersionStatus): StandInVersion;
  schema(name: string): StandInSchema;
}

export async function startGlueStandIn(options: GlueStandInOptions): Promise<GlueStandIn> {
  const schemas = new Map<string, StandInSchema>();
  const pendingReads = options.pendingReads ?? 1;

  const schemaOf = (id: unknown): StandInSchema => {
    const { RegistryName, SchemaName } = (id ?? {}) as { RegistryName?: string; SchemaName?: string };
    if (RegistryName !== options.registryName) {
      throw new AwsError("EntityNotFoundException", `Registry not found: ${String(RegistryName)}`);
    }
    const schema = schemas.get(String(SchemaName));
    if (schema === undefined) throw new AwsError("EntityNotFoundException", `Schema not found: ${String(SchemaName)}`);
    return schema;
  };
  const versionOf = (schema: StandInSchema, number: unknown): StandInVersion => {
    const { LatestVersion, VersionNumber } = (number ?? {}) as { LatestVersion?: boolean; VersionNumber?: number };
    const version = LatestVersion
      ? schema.versions.at(-1)
      : schema.versions.find((v) => v.versionNumber === VersionNumber);
    if (version === undefined) {
      throw new AwsError(
        "EntityNotFoundException",
        `Schema version not found: ${schema.name} ${JSON.stringify(number)}`,
      );
    }
    return version;
  };
  const read = (version: StandInVersion): StandInVersion => {
    if (version.status === "PENDING" && version.pendingReads-- <= 0) version.status = version.verdict;
    return version;
  };
  const add = (schema: StandInSchema, definition: string, verdict: VersionStatus): StandInVersion => {
    const version: StandInVersion = {
      versionNumber: schema.nextVersion++,
      schemaVersionId: randomUUID(),
      definition,
      status: pendingReads > 0 ? "PENDING" : verdict,
      pendingReads,
      verdict,
      metadata: new Map(),
    };
    schema.versions.push(version);
    return version;
  };
  const invalidity = (definition: string): string | undefined => {
    try {
      compileSchema(JSON.parse(definition), "the schema definition");
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const judge = (schema: StandInSchema, definition: string): VersionStatus => {
    const override = options.verdict?.(schema.name, definition);
    if (override !== undefined) return override;
    const available = schema.versions.filter((v) => v.status === "AVAILABLE");
    const compared = checksOf(schema.compatibility).allVersions ? available : available.slice(-1);
    const { compatible } = checkCompatibility(
      compared.map((v) => JSON.parse(v.definition)),
      JSON.parse(definition),
      schema.compatibility,
    );
    return compatible ? "AVAILABLE" : "FAILURE";
  };
  const answerVersion = (schema: StandInSchema, v: StandInVersion) => ({
    SchemaVersionId: v.schemaVersionId,
    SchemaDefinition: v.definition,
    DataFormat: "JSON",
    SchemaArn: `arn:aws:glue:${STAND_IN_REGION}:${ACCOUNT}:schema/${options.registryName}/${schema.name}`,
    VersionNumber: v.versionNumber,
    Status: v.status,
    CreatedTime: new Date().toISOString(),
  });

  const byId = (id: unknown): [StandInSchema, StandInVersion] => {
    for (const schema of schemas.values()) {
      const version = schema.versions.find((v) => v.schemaVersionId === id);
      if (version !== undefined) return [schema, version];
    }
    throw new AwsError("EntityNotFoundException", `Schema version not found: ${String(id)}`);
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetSchemaVersion(input) {
      if (input.SchemaVersionId !== undefined) {
        const [schema, version] = byId(input.SchemaVersionId);
        return answerVersion(schema, read(version));
      }
      const schema = schemaOf(input.SchemaId);
      return answerVersion(schema, read(versionOf(schema, input.SchemaVersionNumber)));
    },
    GetSchemaByDefinition(input) {
      const schema = schemaOf(input.SchemaId);
      const definition = JSON.parse(String(input.SchemaDefinition)) as unknown;
      const version = schema.versions.find((v) => sameJson(JSON.parse(v.definition), definition));
      if (version === undefined) throw new AwsError("EntityNotFoundException", "Schema version not found");
      // Glue's answer names the version by id only: no number, no definition.
      const { SchemaVersionId, SchemaArn, DataFormat, Status, CreatedTime } = answerVersion(schema, read(version));
      return { SchemaVersionId, SchemaArn, DataFormat, Status, CreatedTime };
    },
    CheckSchemaVersionValidity(input) {
      if (input.DataFormat !== "JSON") throw new AwsError("InvalidInputException", "DataFormat must be JSON here");
      const error = invalidity(String(input.SchemaDefinition));
      return error === undefined ? { Valid: true } : { Valid: false, Error: error };
    },
    RegisterSchemaVersion(input) {
      const schema = schemaOf(input.SchemaId);
      const definition = String(input.SchemaDefinition);
      const error = invalidity(definition);
      if (error !== undefined) throw new AwsError("InvalidInputException", error);
      const same = schema.versions.find((v) => sameJson(JSON.parse(v.definition), JSON.parse(definition)));
      const version = same ?? add(schema, definition, judge(schema, definition));
      return { SchemaVersionId: version.schemaVersionId, VersionNumber: version.versionNumber, Status: version.status };
    },
    GetSchemaVersionsDiff(input) {
      const schema = schemaOf(input.SchemaId);
      if (input.SchemaDiffType !== "SYNTAX_DIFF") throw new AwsError("InvalidInputException", "SYNTAX_DIFF only");
      const first = versionOf(schema, input.FirstSchemaVersionNumber);
      const second = versionOf(schema, input.SecondSchemaVersionNumber);
      return { Diff: JSON.stringify(jsonPatch(JSON.parse(first.definition), JSON.parse(second.definition))) };
    },
    DeleteSchemaVersions(input) {
      const schema = schemaOf(input.SchemaId);
      const errors: unknown[] = [];
      for (const n of versionRange(String(input.Versions))) {
        if (n === 1) {
          errors.push({
            VersionNumber: 1,
            ErrorDetails: { ErrorCode: "InvalidInputException", ErrorMessage: "the first version cannot be deleted" },
          });
        } else schema.versions = schema.versions.filter((v) => v.versionNumber !== n);
      }
      return { SchemaArn: answerVersion(schema, schema.versions[0]).SchemaArn, SchemaVersionErrors: errors };
    },
    QuerySchemaVersionMetadata(input) {
      const schema = schemaOf(input.SchemaId);
      const version = versionOf(schema, input.SchemaVersionNumber);
      const map = Object.fromEntries(
        [...version.metadata].map(([key, [first, ...others]]) => [
          key,
          { MetadataValue: first, CreatedTime: "t", OtherMetadataValueList: others.map((v) => ({ MetadataValue: v })) },
        ]),
      );
      return { MetadataInfoMap: map, SchemaVersionId: version.schemaVersionId };
    },
    PutSchemaVersionMetadata(input) {
      const schema = schemaOf(input.SchemaId);
      const version = versionOf(schema, input.SchemaVersionNumber);
      const { MetadataKey, MetadataValue } = input.MetadataKeyValue as { MetadataKey: string; MetadataValue: string };
      const pairs = [...version.metadata.values()].reduce((n, values) => n + values.length, 0);
      if (pairs >= METADATA_PAIRS_MAX) {
        throw new AwsError("ResourceNumberLimitExceededException", "at most 10 metadata pairs per schema version");
      }
      version.metadata.set(MetadataKey, [...(version.metadata.get(MetadataKey) ?? []), MetadataValue]);
      return {
        SchemaVersionId: version.schemaVersionId,
        MetadataKey,
        MetadataValue,
        VersionNumber: version.versionNumber,
      };
    },
  };

  let calls = 0;
  // The first `deniedCalls` calls are refused, whatever they are, as while a grant propagates.
  const denying = Object.fromEntries(
    Object.entries(operations).map(([operation, handler]) => [
      operation,
      (input: Record<string, unknown>) => {
        if (++calls <= (options.deniedCalls ?? 0)) {
          throw new AwsError("AccessDeniedException", `User is not authorized to perform: glue:${operation}`);
        }
        return handler(input);
      },
    ]),
  );
  const server = await startAwsJsonStandIn(denying);

  return {
    ...server,
    registryName: options.registryName,
    createSchema(name, definition, compatibility) {
      const schema: StandInSchema = { name, compatibility, versions: [], nextVersion: 1 };
      schemas.set(name, schema);
      const version = add(schema, definition, "AVAILABLE");
      version.status = "AVAILABLE";
      return version;
    },
    addVersion(name, definition, status) {
      const version = add(schemas.get(name)!, definition, status);
      version.status = status;
      return version;
    },
    schema(name) {
      return schemas.get(name)!;
    },
  };
}

/** "3", "2-4" or "2,5": the numbers a DeleteSchemaVersions range names. */
function versionRange(text: string): number[] {
  return text.split(",").flatMap((part) => {
    const [from, to] = part.split("-").map(Number);
    return to === undefined ? [from] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

type PatchOperation = { op: "add" | "remove" | "replace"; path: string; value?: unknown };

/** An RFC 6902 patch from `a` to `b`: objects key by key, anything else replaced whole. */
export function jsonPatch(a: unknown, b: unknown, path = ""): PatchOperation[] {
  if (sameJson(a, b)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(a) || !isObject(b)) return [{ op: "replace", path, value: b }];
  const at = (key: string) => `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  return [
    ...Object.keys(a)
      .filter((key) => !(key in b))
      .map((key): PatchOperation => ({ op: "remove", path: at(key) })),
    ...Object.keys(b).flatMap((key) =>
      key in a ? jsonPatch(a[key], b[key], at(key)) : [{ op: "add" as const, path: at(key), value: b[key] }],
    ),
  ];
}
