/**
 * The throughput benchmark runs the service compiled, as the container does (`npm run
 * build` writes dist/). A stale dist/ would benchmark old code and say nothing, so every
 * source the ingest service loads must have a compiled file at least as new as itself.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../runtime/repo-root";

/** What dist/runtime/producer/main.js and bench/lib/*.mjs load; other services are not checked. */
const INGEST_SOURCES = ["runtime/producer", "runtime/kinesis", "runtime/aws", "runtime/metrics", "runtime/env.ts"];
/** What the processing worker (dist/runtime/consumer/main.js) and bench/consumer.ts's children load. */
export const CONSUMER_SOURCES = [...INGEST_SOURCES, "runtime/consumer", "runtime/schema"];

export function assertBuilt(sources: readonly string[] = INGEST_SOURCES): void {
  const stale: string[] = [];
  const check = (rel: string) => {
    const source = path.join(REPO_ROOT, rel);
    if (statSync(source).isDirectory()) {
      readdirSync(source).forEach((name) => check(path.join(rel, name)));
    } else if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) {
      const built = path.join(REPO_ROOT, "dist", rel.replace(/\.ts$/, ".js"));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) stale.push(rel);
    }
  };
  sources.forEach(check);
  if (stale.length > 0) {
    throw new Error(`dist/ is missing or older than ${stale.join(", ")}: run \`npm run build\` first`);
  }
}
