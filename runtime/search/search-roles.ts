/**
 * The pipeline's roles in the domain's fine-grained access control, each the least its
 * callers need, and what maps an IAM role to them. The setup function puts the roles and
 * their mappings with the master user (runtime/search/setup.ts); the stack says which IAM
 * role ARN is mapped to which role (infra/search/search-domain.ts `grantHttp`). A signed request
 * from a role mapped to none is refused by the security plugin (403), whatever IAM allows.
 *
 * Action names and action groups are the security plugin's own
 * (opensearch-project/security src/main/resources/static_config/static_action_groups.yml,
 * static_roles.yml).
 */
import { AIRPORT_INDEX, HOTSPOT_INDEX } from "./indices";

/** A role as the security plugin's REST API takes it (PUT _plugins/_security/api/roles/<name>). */
export interface SearchRole {
  description: string;
  cluster_permissions: string[];
  index_permissions: { index_patterns: string[]; allowed_actions: string[] }[];
  tenant_permissions: { tenant_patterns: string[]; allowed_actions: string[] }[];
}

/** The search indexer: writes result documents into the results indices, nothing else. */
export const RESULTS_WRITER_ROLE = "hotspot_results_writer";
/** The setup function: index templates and the Dashboards objects of the global tenant. */
export const SETUP_ROLE = "hotspot_setup";
export type SearchRoleName = typeof RESULTS_WRITER_ROLE | typeof SETUP_ROLE;
export const SEARCH_ROLE_NAMES: readonly SearchRoleName[] = [RESULTS_WRITER_ROLE, SETUP_ROLE];

/** The indices that hold the Dashboards objects (the global tenant's is `.kibana`). */
const DASHBOARDS_INDICES = [".kibana", ".kibana_*", ".opensearch_dashboards", ".opensearch_dashboards_*"];

export const SEARCH_ROLES: Record<SearchRoleName, SearchRole> = {
  [RESULTS_WRITER_ROLE]: {
    description: "The search indexer: _bulk index requests into the hot-spot results indices",
    // _bulk is checked as a cluster action, then each item against its index.
    cluster_permissions: ["indices:data/write/bulk"],
    index_permissions: [
      {
        index_patterns: [HOTSPOT_INDEX, AIRPORT_INDEX],
        // The "index" action group without updates and mapping changes (the mappings are
        // strict), and creating the index from its template on the first document.
        allowed_actions: ["indices:data/write/index*", "indices:data/write/bulk*", "indices:admin/create"],
      },
    ],
    tenant_permissions: [],
  },
  [SETUP_ROLE]: {
    description: "The search setup function: the results' index templates and the Dashboards objects",
    // Templates are cluster-level; Dashboards saves objects with _bulk and reads with _mget.
    cluster_permissions: ["indices:admin/index_template/put", "cluster_composite_ops"],
    index_permissions: [
      // What the predefined kibana_user role may do with these indices, without delete and manage.
      { index_patterns: DASHBOARDS_INDICES, allowed_actions: ["read", "index"] },
    ],
    // A custom role reaches the global tenant only when it names it.
    tenant_permissions: [{ tenant_patterns: ["global_tenant"], allowed_actions: ["kibana_all_write"] }],
  },
};

/** The body of PUT _plugins/_security/api/rolesmapping/<role>: the IAM role ARNs, nobody else. */
export function roleMapping(iamRoleArns: readonly string[]): {
  backend_roles: string[];
  hosts: string[];
  users: string[];
} {
  return { backend_roles: [...iamRoleArns], hosts: [], users: [] };
}
