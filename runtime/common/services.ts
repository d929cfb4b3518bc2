/**
 * How each service of the pipeline starts. The container's command (`serviceCommand`),
 * `npm start` and the integration tests (`compiledEntrypoint`) all start the same compiled
 * file, so what the tests prove is what runs on Fargate. Paths are relative to the
 * repository (or image) root, after `npm run build` has compiled runtime/ to dist/.
 */
import { existsSync } from "node:fs";
import path from "node:path";

import { REPO_ROOT } from "./repo-root";

export const SERVICE_ENTRYPOINTS = {
  ingest: "dist/runtime/ingest/main.js",
  processing: "dist/runtime/processing/main.js",
  /** Not a command: the module the processing Lambda requires (see infra/processing/processing-lambda.ts). */
  processingLambda: "dist/runtime/processing/lambda-entry.js",
  /** Not a command: the module the search domain's setup function requires (infra/search/search-domain.ts). */
  searchSetupLambda: "dist/runtime/search/setup-entry.js",
  /** Not a command: the module the schema registry's setup function requires (infra/schemas/schema-registry.ts). */
  schemaSetupLambda: "dist/runtime/schemas/setup-entry.js",
  /** Not a command: the module the search indexer requires (infra/search/search-indexer.ts). */
  searchIndexerLambda: "dist/runtime/search/indexer-entry.js",
  /** Not a command: the module the shard scaler function requires (infra/scaling/shard-scaler.ts). */
  shardScalerLambda: "dist/runtime/scaling/shard-scaler-entry.js",
  /** Not a command: the module the Flink scaler function requires (infra/scaling/flink-scaler.ts). */
  flinkScalerLambda: "dist/runtime/scaling/flink-scaler-entry.js",
  /** The container health check of the HTTP services (ECS ignores the image's HEALTHCHECK). */
  healthcheck: "dist/runtime/common/healthcheck.js",
  local: "dist/runtime/local/main.js",
  /** The NYC taxi replay (`npm run replay`), also a child of the local stack. */
  replay: "dist/runtime/replay/main.js",
  /** Not a command: the PROCESSOR_MODULE of the local stack's hot-spot worker (GET /hotspots). */
  hotspotProcessor: "dist/runtime/hotspots/hotspot-processor.js",
} as const;

export type ServiceName = keyof typeof SERVICE_ENTRYPOINTS;

/** The command line, as the ECS container definition and the Dockerfile's CMD take it. */
export function serviceCommand(service: ServiceName): [string, string] {
  return ["node", SERVICE_ENTRYPOINTS[service]];
}

/** The absolute path of a service's compiled entry point; fails with the fix when it is not built. */
export function compiledEntrypoint(service: ServiceName): string {
  const script = path.join(REPO_ROOT, SERVICE_ENTRYPOINTS[service]);
  if (!existsSync(script)) throw new Error(`${script} does not exist: run \`npm run build\` (npm start builds first)`);
  return script;
}
