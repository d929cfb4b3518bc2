/**
 * From a name a call carried in a test to the name the same call carries on AWS. A part
 * takes every resource name from its settings (STREAM_NAME, APPLICATION_NAME, CONSUMER_ARN,
 * SCHEMA_REGISTRY_NAME, SEARCH_ENDPOINT, ..., or a field of the event the stack invokes it
 * with, such as event.registryName); the trace records those settings with each call. So a
 * recorded name equal to a setting's value is, on AWS, the value the plan gives that same
 * setting for that part.
 *
 * A setting may be a list (event.schemas[].name: the schemas a setup function is given).
 * A call on one member stands for the same call on each member the plan gives: the function
 * does for every schema what it does for one. So one recorded call can be several planned
 * ones, each a complete set of names.
 */
import { PartSetting } from "../../runtime/common/aws/call-trace";

export class BridgeError extends Error {}

/**
 * Fields the trace records that name no resource of the plan: an id the service handed out
 * (a schema version's), which IAM does not scope to (iam-requests.ts), and an S3 object's key,
 * which the part makes itself (the lake's object-keys.ts) the same way here and on AWS, inside
 * a bucket that is bridged like any name. They pass as they are.
 */
const UNBRIDGED_FIELDS = new Set(["SchemaVersionId", "Key"]);

type Names = Record<string, string | string[]>;

const asList = (value: PartSetting): readonly string[] => (typeof value === "string" ? [value] : value);

/**
 * The call's names with the plan's values: one set per planned call (several when a name
 * comes from a list setting); throws a BridgeError naming what does not match.
 */
export function bridgeNames(
  names: Names,
  recordedEnv: Record<string, PartSetting>,
  plannedEnv: Record<string, PartSetting>,
): Names[] {
  /** The plan's values for one recorded value: one, or each member of a list setting. */
  const bridge = (field: string, value: string): readonly string[] => {
    if (UNBRIDGED_FIELDS.has(field)) return [value];
    const settings = Object.keys(recordedEnv).filter((k) => asList(recordedEnv[k]).includes(value));
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
    const planned = asList(plannedEnv[setting]);
    if (planned.length === 0) throw new BridgeError(`${field} comes from ${setting}, which the plan leaves empty`);
    return planned;
  };
  let sets: Names[] = [{}];
  for (const [field, value] of Object.entries(names)) {
    if (Array.isArray(value)) {
      // A list of names in one call (AlarmNames): every member's plan values, in one call.
      const bridged = value.flatMap((v) => bridge(field, v));
      sets = sets.map((set) => ({ ...set, [field]: bridged }));
    } else {
      const alternatives = bridge(field, value as string);
      sets = sets.flatMap((set) => alternatives.map((v) => ({ ...set, [field]: v })));
    }
  }
  return sets;
}
