/**
 * One IAM request against a role's policies, decided by @cloud-copilot/iam-simulate (the
 * simulator validates the action, the resource type and the policies, and evaluates them as
 * AWS does), with three adjustments, each for a documented reason below. The answer says
 * which statements came closest when the request is refused, so the failure can name them.
 */
import {
  anonymousPrincipal,
  isWildcardOnlyAction,
  runSimulation,
  type RunSimulationResults,
} from "@cloud-copilot/iam-simulate";
import { IamRequest } from "./iam-requests";
import { asList, PolicyDocument, PolicyStatement } from "./policy-document";

export interface RolePolicies {
  /** The role's ARN: the request's principal. */
  roleArn: string;
  account: string;
  /** Its inline policies, by name. */
  policies: { name: string; document: PolicyDocument }[];
}

export interface Verdict {
  allowed: boolean;
  /** Refused: why, naming the policies and statements that grant the action elsewhere, if any. */
  why?: string;
}

/**
 * iam-simulate 0.1.173 keeps a request's context key only when it matches one of the
 * action's keys exactly or, for keys with a variable part, up to a "/" (aws:ResourceTag/x):
 * `kms:EncryptionContext:aws:kinesis:arn` is dropped, and a policy condition on it then fails
 * for want of the key. The request's key and the policies' conditions on it are renamed to
 * the template name the simulator keeps; it compares the same values.
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;
const ENCRYPTION_CONTEXT_TEMPLATE = "kms:EncryptionContext:${EncryptionContextKey}";

function renameContextKey(document: PolicyDocument, from: string): PolicyDocument {
  const rename = (condition: PolicyStatement["Condition"]) =>
    condition &&
    Object.fromEntries(
      Object.entries(condition).map(([operator, tests]) => [
        operator,
        Object.fromEntries(
          Object.entries(tests).map(([key, value]) => [
            key.toLowerCase() === from.toLowerCase() ? ENCRYPTION_CONTEXT_TEMPLATE : key,
            value,
          ]),
        ),
      ]),
    );
  return {
    ...document,
    Statement: document.Statement.map((s) => (s.Condition ? { ...s, Condition: rename(s.Condition) } : s)),
  };
}

/**
 * Allowed or not. A request on "*" (the call names no resource IAM can scope to) is allowed
 * only when the pattern "*" itself is: the simulator would otherwise answer whether *some*
 * resource is allowed, and a grant on one registry would pass for a call AWS authorizes on all.
 * An action the Service Authorization Reference gives no resource type (iam-data, which the
 * simulator reads, carries it) is authorized on "*" whatever the call names.
 */
export async function simulate(asked: IamRequest, role: RolePolicies): Promise<Verdict> {
  const [service, action] = asked.action.split(":");
  const wildcardOnly = asked.resource !== "*" && (await isWildcardOnlyAction(service, action));
  const request = wildcardOnly ? { ...asked, resource: "*" } : asked;
  let policies = role.policies;
  let resourcePolicy = request.resourcePolicy;
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.context ?? {})) {
    if (ENCRYPTION_CONTEXT.test(key)) {
      context[ENCRYPTION_CONTEXT_TEMPLATE] = value;
      policies = policies.map((p) => ({ ...p, document: renameContextKey(p.document, key) }));
      resourcePolicy = resourcePolicy && renameContextKey(resourcePolicy, key);
    } else {
      context[key] = value;
    }
  }
  const result = await runSimulation(
    {
      // An unsigned request is nobody's: the role's policies have no say, the resource's alone decides.
      identityPolicies: request.anonymous ? [] : policies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
      request: {
        action: request.action,
        principal: request.anonymous ? anonymousPrincipal : role.roleArn,
        resource: { resource: request.resource, accountId: role.account },
        contextVariables: context,
      },
    },
    {},
  );
  if (result.resultType === "error") {
    return { allowed: false, why: `the simulator refuses the request itself: ${JSON.stringify(result.errors)}` };
  }
  if (isAllowed(result, request.resource)) return { allowed: true };
  if (request.anonymous) {
    return {
      allowed: false,
      why: `the resource's policy does not admit it for an anonymous caller (${result.overallResult})`,
    };
  }
  const note = wildcardOnly
    ? `the Service Authorization Reference gives ${request.action} no resource type, so only Resource "*" allows it; `
    : "";
  return { allowed: false, why: note + closest(request, role) };
}

function isAllowed(result: Exclude<RunSimulationResults, { resultType: "error" }>, resource: string): boolean {
  if (result.overallResult !== "Allowed") return false;
  if (resource !== "*" || result.resultType !== "wildcard") return true;
  return result.results.some((r) => r.resourcePattern === "*" && r.analysis.result === "Allowed");
}

/** The role's statements that grant the action, and on what: where a fix would go. */
function closest(request: IamRequest, role: RolePolicies): string {
  const [service] = request.action.split(":");
  const matching = role.policies.flatMap((p) =>
    p.document.Statement.filter((s) =>
      asList(s.Action).some((a) => matchesAction(a, request.action) || a === `${service}:*`),
    ).map(
      (s) =>
        `${p.name}${s.Sid ? ` (Sid ${s.Sid})` : ""} grants it on ${asList(s.Resource).join(", ")}` + conditionOf(s),
    ),
  );
  const policies = role.policies.map((p) => p.name).join(", ") || "none";
  return matching.length > 0
    ? `no statement allows it there: ${matching.join("; ")}`
    : `no policy of the role grants ${request.action} (its policies: ${policies})`;
}

function conditionOf(s: PolicyStatement): string {
  return s.Condition ? ` if ${JSON.stringify(s.Condition)}` : "";
}

/** IAM's action match: case-insensitive, with * and ? wildcards. */
export function matchesAction(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
    "i",
  );
  return regex.test(action);
}
