/**
 * What the search domain's setup function does once the domain exists: put the index
 * templates (so the job's first document already finds a geo_point mapping), then save the
 * Dashboards objects. Every call is idempotent (templates are replaced, objects saved with
 * overwrite), so it runs again safely on every `pulumi up` that changes its input.
 *
 * HTTP goes through a port, so the tests drive it with a fake domain and the Lambda with a
 * SigV4-signed client (signed-search-http.ts).
 */
import { dashboardsObjects } from "./dashboards-objects";
import { indexTemplates } from "./indices";

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

export interface SetupInput {
  /** Replicas of each index: 0 on a one-node domain, where a replica could never be placed. */
  replicas: number;
  /** The job's geohash precision: the map's cells are the job's cells. */
  geohashPrecision: number;
}

export interface SetupReport {
  templates: string[];
  savedObjects: string[];
}

export interface SetupOptions {
  /** Dashboards answers 503 for a while after a new domain turns active: how often to ask again. */
  attempts?: number;
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const DASHBOARDS_HEADERS = { "osd-xsrf": "true" };

export async function setUpSearch(
  http: SearchHttp,
  input: SetupInput,
  options: SetupOptions = {},
): Promise<SetupReport> {
  const attempts = options.attempts ?? 20;
  const retryDelayMs = options.retryDelayMs ?? 5_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** Calls until the answer is not a 502/503/504 (the domain still starting), then checks it. */
  const call = async (step: string, method: "PUT" | "POST", path: string, body: unknown, headers = {}) => {
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

  const templates = indexTemplates(input.replicas);
  for (const template of templates) {
    await call(`index template ${template.name}`, "PUT", `/_index_template/${template.name}`, template.body);
  }

  const objects = dashboardsObjects(input.geohashPrecision);
  const saved = (await call(
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
  return { templates: templates.map((t) => t.name), savedObjects: objects.map((o) => `${o.type}/${o.id}`) };
}

function excerpt(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}
