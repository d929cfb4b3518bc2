/** The schema source a service's settings name: Glue on AWS, the local registry file locally. */
import type { GlueSchemaSource } from "./glue-schema-source";
import type { LocalSchemaSource } from "./local-schema-source";
import { CachedSchemaSource } from "./schema-source";

export type RegistryLocation = { kind: "glue"; registryName: string } | { kind: "file"; file: string };

/**
 * Each kind is loaded only when asked for: the processing Lambda reads Glue with the AWS SDK
 * its runtime provides, and must not need the local registry's validator (ajv) in its archive.
 */
export function openSchemaSource(
  location: RegistryLocation,
  region: string,
  /** How long an unknown id is answered from memory (SCHEMA_MISS_TTL_MS unless set). */
  missTtlMs?: number,
): CachedSchemaSource {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (location.kind === "glue") {
    const { createGlueClient } = require("../common/aws/glue-client") as typeof import("../common/aws/glue-client");
    const glue = require("./glue-schema-source") as { GlueSchemaSource: typeof GlueSchemaSource };
    return new CachedSchemaSource(
      new glue.GlueSchemaSource(createGlueClient({ region }), location.registryName),
      undefined,
      undefined,
      missTtlMs,
    );
  }
  const local = require("./local-schema-source") as { LocalSchemaSource: typeof LocalSchemaSource };
  return new CachedSchemaSource(new local.LocalSchemaSource(location.file), undefined, undefined, missTtlMs);
  /* eslint-enable @typescript-eslint/no-require-imports */
}
