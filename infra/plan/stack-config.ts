/**
 * Reads a stack's config the way the Pulumi CLI hands it to the program: values from
 * `Pulumi.<stack>.yaml`, unqualified keys put in the project namespace, then the
 * defaults declared in `Pulumi.yaml` for keys the stack does not set.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** Encrypted values cannot be read without the stack's secrets provider. */
export const SECRET_PLACEHOLDER = "[secret]";

export interface ProjectFile {
  name: string;
  config: Record<string, { type: string; default?: unknown; description?: string }>;
}

export interface StackConfig {
  project: string;
  stack: string;
  region: string;
  config: Record<string, string>;
  secretKeys: string[];
}

export function readProjectFile(dir: string): ProjectFile {
  const project = parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as ProjectFile;
  return { name: project.name, config: project.config ?? {} };
}

/** Pulumi passes every config value as a string; structured values as JSON. */
export function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function readStackConfigFile(dir: string, stack: string): StackConfig {
  const project = readProjectFile(dir);
  const file = join(dir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    throw new Error(
      `no stack file ${file}: create it with \`pulumi stack init ${stack}\` or pass --stack <name> of an existing Pulumi.<name>.yaml`,
    );
  }
  const values = (parse(readFileSync(file, "utf8"))?.config ?? {}) as Record<string, unknown>;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(values)) {
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    if (value && typeof value === "object" && "secure" in value) {
      config[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      config[key] = asConfigString(value);
    }
  }
  for (const [name, declaration] of Object.entries(project.config)) {
    const key = name.includes(":") ? name : `${project.name}:${name}`;
    if (!(key in config) && declaration.default !== undefined) config[key] = asConfigString(declaration.default);
  }
  return { project: project.name, stack, region: config["aws:region"] ?? "us-east-1", config, secretKeys };
}
