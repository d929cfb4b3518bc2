/**
 * From a name a call carried in a test to the name the same call carries on AWS. A part
 * takes every resource name from its settings (STREAM_NAME, APPLICATION_NAME, CONSUMER_ARN,
 * SCHEMA_REGISTRY_NAME, SEARCH_ENDPOINT, ...); the trace records those settings with each
 * call. So a recorded name equal to a setting's value is, on AWS, the value the plan gives
 * that same setting for that part.
 */

export class BridgeError extends Error {}

/**
 * Fields the trace records that name no resource of the plan: an id the service handed out
 * (a schema version's), which IAM does not scope to (iam-requests.ts). They pass as they are.
 */
const UNBRIDGED_FIELDS = new Set(["SchemaVersionId"]);

/** The call's names with the plan's values; throws a BridgeError naming what does not match. */
export function bridgeNames(
  names: Record<string, string | string[]>,
  recordedEnv: Record<string, string>,
  plannedEnv: Record<string, string>,
): Record<string, string | string[]> {
  const bridge = (field: string, value: string): string => {
    if (UNBRIDGED_FIELDS.has(field)) return value;
    const settings = Object.keys(recordedEnv).filter((k) => recordedEnv[k] === value);
    if (settings.length === 0) {
      throw new BridgeError(
        `${field} "${value}" is the value of none of the part's settings (${Object.keys(recordedEnv).join(", ") || "none recorded"}): ` +
          `the check cannot tell which resource of the plan it is`,
      );
    }
    const setting = settings.find((s) => plannedEnv[s] !== undefined);
    if (setting === undefined) {
      throw new BridgeError(`${field} comes from ${settings.join(" or ")}, which the plan does not set for this part`);
    }
    return plannedEnv[setting];
  };
  return Object.fromEntries(
    Object.entries(names).map(([field, value]) => [
      field,
      Array.isArray(value) ? value.map((v) => bridge(field, v)) : bridge(field, value),
    ]),
  );
}
