/**
 * Glue's compatibility modes for JSON Schema, checked structurally:
 *   BACKWARD: a consumer using the new schema reads data written with the old one
 *             (every instance valid under the old schema is valid under the new);
 *   FORWARD:  a consumer using the old schema reads data written with the new one (the reverse);
 *   FULL:     both. BACKWARD/FORWARD/FULL compare with the latest version, the _ALL modes with
 *             every earlier version. DISABLED refuses any new version; NONE accepts anything.
 * The rules for each keyword are in schema-containment.ts and containment-objects.ts.
 */
import { checksOf, Compatibility } from "./compatibility-mode";
import { containmentProblems, JsonSchema, Problem } from "./schema-containment";

export interface CompatibilityResult {
  compatible: boolean;
  /** One line per problem: "<pointer in the schema>: <the change>", prefixed by the version for the _ALL modes. */
  reasons: string[];
}

/**
 * `previous` holds the existing versions, oldest first; `versionNumbers` their numbers in the
 * registry (default 1, 2, ...: a registry whose refused or deleted versions left gaps names them).
 */
export function checkCompatibility(
  previous: readonly JsonSchema[],
  candidate: JsonSchema,
  mode: Compatibility,
  versionNumbers: readonly number[] = previous.map((_, index) => index + 1),
): CompatibilityResult {
  if (previous.length === 0 || mode === "NONE") return { compatible: true, reasons: [] };
  if (mode === "DISABLED") {
    return { compatible: false, reasons: ["compatibility is DISABLED: no new version may be registered"] };
  }
  const checks = checksOf(mode);
  const versions = previous.map((schema, index) => ({ version: versionNumbers[index] ?? index + 1, schema }));
  const against = checks.allVersions ? versions : versions.slice(-1);
  const reasons = against.flatMap(({ version, schema }) => {
    const problems = [
      ...(checks.backward ? containmentProblems(schema, candidate, true) : []),
      ...(checks.forward ? containmentProblems(candidate, schema, false) : []),
    ];
    return problems.map((problem) => (checks.allVersions ? `version ${version}: ${reason(problem)}` : reason(problem)));
  });
  return { compatible: reasons.length === 0, reasons: [...new Set(reasons)] };
}

function reason(problem: Problem): string {
  return `${problem.pointer === "" ? "(root)" : problem.pointer}: ${problem.change}`;
}
