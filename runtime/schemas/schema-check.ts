/**
 * The schema check run before `pulumi up`: each schema file as it is now, against its earlier
 * versions (from git, in tools/schema-check.ts), under one compatibility mode. A breaking change
 * fails the check here instead of failing the registration in Glue, or worse, the consumers.
 * Pure: the versions come in as texts.
 */
import { sameJson } from "./canonical-json";
import { checkCompatibility } from "./compatibility";
import { Compatibility } from "./compatibility-mode";
import { compileSchema } from "./json-validation";
import { JsonSchema } from "./schema-containment";

export interface SchemaVersionText {
  /** Where the text comes from, for messages: "commit 1a2b3c4", "working tree". */
  source: string;
  text: string;
  /** Its number in a registry, when it comes from one (the setup function's check); counted from 1 otherwise. */
  version?: number;
}

/** One schema file's versions, oldest first; the last one is the candidate. */
export interface SchemaFileHistory {
  name: string;
  versions: SchemaVersionText[];
}

export interface SchemaCheck {
  name: string;
  compatible: boolean;
  /** The candidate's version number once identical consecutive versions are merged. */
  version: number;
  reasons: string[];
  /** Earlier versions left out because they are not JSON (they could never have been registered). */
  skipped: string[];
}

export function checkSchemaFile(history: SchemaFileHistory, mode: Compatibility): SchemaCheck {
  const candidate = history.versions.at(-1);
  if (candidate === undefined) throw new RangeError(`schema ${history.name} has no versions to check`);
  const skipped: string[] = [];
  const earlier: JsonSchema[] = [];
  const numbers: number[] = [];
  for (const version of history.versions.slice(0, -1)) {
    const parsed = parse(version.text);
    if (parsed === undefined) skipped.push(version.source);
    else if (earlier.length === 0 || !sameJson(earlier.at(-1), parsed)) {
      earlier.push(parsed);
      numbers.push(version.version ?? earlier.length);
    }
  }
  const refused = (reason: string): SchemaCheck => ({
    name: history.name,
    compatible: false,
    version: earlier.length + 1,
    reasons: [reason],
    skipped,
  });
  const current = parse(candidate.text);
  if (current === undefined) return refused(`${history.name} (${candidate.source}) is not JSON`);
  const invalid = definitionProblem(current, history.name, candidate.source);
  if (invalid !== undefined) return refused(invalid);
  const previous = earlier.length > 0 && sameJson(earlier.at(-1), current) ? earlier.slice(0, -1) : earlier;
  const { compatible, reasons } = checkCompatibility(previous, current, mode, numbers);
  return { name: history.name, compatible, version: previous.length + 1, reasons, skipped };
}

function parse(text: string): JsonSchema | undefined {
  try {
    return JSON.parse(text) as JsonSchema;
  } catch {
    return undefined;
  }
}

function definitionProblem(schema: JsonSchema, name: string, source: string): string | undefined {
  try {
    compileSchema(schema, `${name} (${source})`);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Why a check failed, one line per problem, as `npm run schema:check` prints them and the setup function quotes them. */
export function checkReasons(check: SchemaCheck): string[] {
  return [...check.reasons, ...(check.skipped.length > 0 ? [`(left out, not JSON: ${check.skipped.join(", ")})`] : [])];
}

/** The report to print, and the exit code: 1 when any schema breaks compatibility. */
export function schemaCheckReport(
  checks: readonly SchemaCheck[],
  mode: Compatibility,
): { text: string; exitCode: 0 | 1 } {
  const lines = [`Schema compatibility (${mode}):`];
  for (const check of checks) {
    const status = check.compatible
      ? check.version === 1
        ? "compatible (first version)"
        : `compatible (version ${check.version} against ${check.version - 1} earlier)`
      : `INCOMPATIBLE (version ${check.version})`;
    lines.push(`  ${check.name}: ${status}`);
    lines.push(...checkReasons(check).map((reason) => `    ${reason}`));
  }
  if (checks.length === 0) lines.push("  no schemas found");
  const breaking = checks.filter((check) => !check.compatible).length;
  lines.push(
    breaking === 0 ? "All schemas are compatible." : `${breaking} schema(s) would break their consumers or producers.`,
  );
  return { text: lines.join("\n") + "\n", exitCode: breaking === 0 ? 0 : 1 };
}
