/**
 * A Glue Schema Registry played by a local HTTP server speaking Glue's JSON 1.1 protocol
 * (POST /, X-Amz-Target: AWSGlue.<Operation>), so the real SDK client runs against it. It
 * speaks the operations the registry's setup function calls, with Glue's behaviour as its
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
import http from "node:http";
import { AddressInfo } from "node:net";
import { sameJson } from "../../runtime/schema/canonical-json";
import { checkCompatibility } from "../../runtime/schema/compatibility";
import { checksOf, Compatibility } from "../../runtime/schema/compatibility-mode";
import { compileSchema } from "../../runtime/schema/json-validation";
import { VersionStatus } from "../../runtime/schema/registry-port";

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

export interface GlueCall {
  operation: string;
  input: Record<string, unknown>;
}

export interface GlueStandInOptions {
  registryName: string;
  /** GetSchemaVersion reads a new version answers PENDING before its verdict (default 1). */
  pendingReads?: number;
  /** Glue's verdict on a new version where a test wants its own (a refusal the checker would not make). */
  verdict?: (schema: string, definition: string) => VersionStatus | undefined;
  /** The first this many calls are denied (AccessDeniedException), as while a new grant propagates. */
  deniedCalls?: number;
}

export interface GlueStandIn {
  /** For the SDK's `endpoint` (or AWS_ENDPOINT_URL_GLUE): "http://127.0.0.1:PORT". */
  endpoint: string;
  registryName: string;
  /** Every call, in order. */
  calls: GlueCall[];
  /** What the stack's Schema resource does: CreateSchema with the file as version 1. */
  createSchema(name: string, definition: string, compatibility: Compatibility): StandInVersion;
  /** Adds a version as it stands (a leftover of an earlier deploy, say). */
  addVersion(name: string, definition: string, status: VersionStatus): StandInVersion;
  schema(name: string): StandInSchema;
  close(): Promise<void>;
}

class GlueError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startGlueStandIn(options: GlueStandInOptions): Promise<GlueStandIn> {
  const schemas = new Map<string, StandInSchema>();
  const calls: GlueCall[] = [];
  const pendingReads = options.pendingReads ?? 1;

  const schemaOf = (id: unknown): StandInSchema => {
    const { RegistryName, SchemaName } = (id ?? {}) as { RegistryName?: string; SchemaName?: string };
    if (RegistryName !== options.registryName) {
      throw new GlueError("EntityNotFoundException", `Registry not found: ${String(RegistryName)}`);
    }
    const schema = schemas.get(String(SchemaName));
    if (schema === undefined) throw new GlueError("EntityNotFoundException", `Schema not found: ${String(SchemaName)}`);
    return schema;
  };
  const versionOf = (schema: StandInSchema, number: unknown): StandInVersion => {
    const { LatestVersion, VersionNumber } = (number ?? {}) as { LatestVersion?: boolean; VersionNumber?: number };
    const version = LatestVersion
      ? schema.versions.at(-1)
      : schema.versions.find((v) => v.versionNumber === VersionNumber);
    if (version === undefined) {
      throw new GlueError(
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

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetSchemaVersion(input) {
      const schema = schemaOf(input.SchemaId);
      return answerVersion(schema, read(versionOf(schema, input.SchemaVersionNumber)));
    },
    CheckSchemaVersionValidity(input) {
      if (input.DataFormat !== "JSON") throw new GlueError("InvalidInputException", "DataFormat must be JSON here");
      const error = invalidity(String(input.SchemaDefinition));
      return error === undefined ? { Valid: true } : { Valid: false, Error: error };
    },
    RegisterSchemaVersion(input) {
      const schema = schemaOf(input.SchemaId);
      const definition = String(input.SchemaDefinition);
      const error = invalidity(definition);
      if (error !== undefined) throw new GlueError("InvalidInputException", error);
      const same = schema.versions.find((v) => sameJson(JSON.parse(v.definition), JSON.parse(definition)));
      const version = same ?? add(schema, definition, judge(schema, definition));
      return { SchemaVersionId: version.schemaVersionId, VersionNumber: version.versionNumber, Status: version.status };
    },
    GetSchemaVersionsDiff(input) {
      const schema = schemaOf(input.SchemaId);
      if (input.SchemaDiffType !== "SYNTAX_DIFF") throw new GlueError("InvalidInputException", "SYNTAX_DIFF only");
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
        throw new GlueError("ResourceNumberLimitExceededException", "at most 10 metadata pairs per schema version");
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

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^AWSGlue\./, "");
      let status = 200;
      let answer: unknown;
      try {
        const input = JSON.parse(body || "{}") as Record<string, unknown>;
        calls.push({ operation, input });
        if (calls.length <= (options.deniedCalls ?? 0)) {
          throw new GlueError("AccessDeniedException", `User is not authorized to perform: glue:${operation}`);
        }
        const handler = operations[operation];
        if (handler === undefined)
          throw new GlueError("UnknownOperationException", `the stand-in does not speak ${operation}`);
        answer = handler(input);
      } catch (error) {
        status = 400;
        const type = error instanceof GlueError ? error.type : "InternalServiceException";
        answer = { __type: type, Message: (error as Error).message };
      }
      res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    registryName: options.registryName,
    calls,
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
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
