/** The JSON Schemas in schemas/: what the registries hold and what ingest may enforce. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../common/repo-root";

export const SCHEMAS_DIR = path.join(REPO_ROOT, "schemas");

export interface ShippedSchema {
  /** The file name without .json: the schema's name in the registry. */
  name: string;
  definition: string;
  description: string;
}

/** The schemas in schemas/, by file name. */
export function shippedSchemas(dir = SCHEMAS_DIR): ShippedSchema[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const definition = readFileSync(path.join(dir, file), "utf8");
      const parsed = JSON.parse(definition) as { description?: string; title?: string };
      return { name: file.replace(/\.json$/, ""), definition, description: parsed.description ?? parsed.title ?? file };
    });
}
