/**
 * What the search domain's setup function does once the domain exists:
 *
 * 1. As the master user (the only one the security plugin lets change its configuration):
 *    put the pipeline's OpenSearch roles, map each to the IAM roles the stack names (so a
 *    signed request from the indexer or from this function is that role, and nothing
 *    more), and turn audit logging on.
 * 2. As its own IAM role, signed, which step 1 mapped to the setup role: put the index
 *    templates (so the job's first document already finds a geo_point mapping), then save
 *    the Dashboards objects in the global tenant, where every user who logs in finds them.
 *
 * Every call replaces what it names (roles, mappings and templates with PUT, objects saved
 * with overwrite), so the setup runs again safely on every `pulumi up` that changes its
 * input, and a mapping names exactly the ARNs of this run.
 *
 * HTTP goes through a port, so the tests drive it with a fake domain and the Lambda with
 * opensearch-js clients (search-http.ts, signed-search-http.ts).
 */
import { AUDIT_CONFIG } from "./audit-config";
import { dashboardsObjects } from "./dashboards-objects";
import { indexTemplates } from "./indices";
import { roleMapping, SEARCH_ROLE_NAMES, SEARCH_ROLES, SearchRoleName } from "./search-roles";
import { SetupInput } from "./setup-contract";

export interface SearchResponse {
  status: number;
  body: unknown;
}

export interface SearchHttp {
  request(
    method: "GET" | "PUT" | "POST",
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<SearchResponse>;
}

/** The two identities the setup calls the domain with. */
export interface SetupClients {
  /** The master user (HTTP basic authentication): the security plugin's REST API. */
  master: SearchHttp;
  /** The function's own IAM role (SigV4), mapped to the setup role in step 1. */
  own: SearchHttp;
}

export interface SetupReport {
  roles: SearchRoleName[];
  roleMappings: Record<SearchRoleName, string[]>;
  auditLogs: "enabled";
  templates: string[];
  savedObjects: string[];
}

export interface SetupOptions {
  /** Dashboards answers 503 for a while after a new domain turns active: how often to ask again. */
  attempts?: number;
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const SECURITY_API = "/_plugins/_security/api";
/** Saved objects go to the global tenant: every user who logs in sees them there. */
const DASHBOARDS_HEADERS = { "osd-xsrf": "true", securitytenant: "global" };
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** Refuses an input that would map an unknown role or something other than IAM role ARNs. */
export function checkSetupInput(input: SetupInput): void {
  const problems: string[] = [];
  const given = Object.keys(input.backendRoles ?? {});
  for (const name of given.filter((n) => !(SEARCH_ROLE_NAMES as readonly string[]).includes(n))) {
    problems.push(`backendRoles names ${name}, allowed: ${SEARCH_ROLE_NAMES.join(", ")}`);
  }
  for (const name of SEARCH_ROLE_NAMES) {
    const arns = input.backendRoles?.[name];
    if (!Array.isArray(arns)) problems.push(`backendRoles.${name} is missing: a list of IAM role ARNs`);
    else
      for (const arn of arns.filter((a) => typeof a !== "string" || !IAM_ROLE_ARN.test(a)))
        problems.push(`backendRoles.${name} has ${JSON.stringify(arn)}, allowed: IAM role ARNs`);
  }
  if (problems.length > 0) throw new Error(`search setup: bad input: ${problems.join("; ")}`);
}

export async function setUpSearch(
  clients: SetupClients,
  input: SetupInput,
  options: SetupOptions = {},
): Promise<SetupReport> {
  checkSetupInput(input);
  const attempts = options.attempts ?? 20;
  const retryDelayMs = options.retryDelayMs ?? 5_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** Calls until the answer is not a 502/503/504 (the domain still starting), then checks it. */
  const call = async (
    http: SearchHttp,
    step: string,
    method: "PUT" | "POST",
    path: string,
    body: unknown,
    headers = {},
  ) => {
    for (let attempt = 1; ; attempt++) {
      const response = await http.request(method, path, body, headers);
      const starting = [502, 503, 504].includes(response.status);
      if (starting && attempt < attempts) {
        await sleep(retryDelayMs);
        continue;
      }
      if (response.status < 200 || response.status > 299) {
        throw new Error(
          `search setup: ${step} failed: ${method} ${path} answered ${response.status}` +
            `${starting ? ` after ${attempts} attempts` : ""}: ${excerpt(response.body)}`,
        );
      }
      return response.body;
    }
  };

  const { master, own } = clients;
  for (const name of SEARCH_ROLE_NAMES) {
    await call(master, `role ${name}`, "PUT", `${SECURITY_API}/roles/${name}`, SEARCH_ROLES[name]);
  }
  for (const name of SEARCH_ROLE_NAMES) {
    const mapping = roleMapping(input.backendRoles[name]);
    await call(master, `role mapping ${name}`, "PUT", `${SECURITY_API}/rolesmapping/${name}`, mapping);
  }
  await call(master, "audit logs", "PUT", `${SECURITY_API}/audit/config`, AUDIT_CONFIG);

  const templates = indexTemplates(input.replicas);
  for (const template of templates) {
    await call(own, `index template ${template.name}`, "PUT", `/_index_template/${template.name}`, template.body);
  }

  const objects = dashboardsObjects(input.geohashPrecision);
  const saved = (await call(
    own,
    "Dashboards objects",
    "POST",
    "/_dashboards/api/saved_objects/_bulk_create?overwrite=true",
    objects,
    DASHBOARDS_HEADERS,
  )) as { saved_objects?: { type: string; id: string; error?: { message?: string } }[] };
  // _bulk_create answers 200 even when single objects fail: each carries its own error.
  const failed = (saved.saved_objects ?? []).filter((o) => o.error);
  if (failed.length > 0 || (saved.saved_objects ?? []).length !== objects.length) {
    const reasons = failed.map((o) => `${o.type} ${o.id}: ${o.error?.message ?? "error"}`).join("; ");
    throw new Error(
      `search setup: Dashboards saved ${(saved.saved_objects ?? []).length - failed.length} of ${objects.length} objects` +
        `${reasons ? ` (${reasons})` : ""}`,
    );
  }
  return {
    roles: [...SEARCH_ROLE_NAMES],
    roleMappings: Object.fromEntries(SEARCH_ROLE_NAMES.map((n) => [n, [...input.backendRoles[n]]])) as Record<
      SearchRoleName,
      string[]
    >,
    auditLogs: "enabled",
    templates: templates.map((t) => t.name),
    savedObjects: objects.map((o) => `${o.type}/${o.id}`),
  };
}

function excerpt(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}
