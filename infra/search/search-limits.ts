/**
 * The OpenSearch Service facts the search domain's config is checked against, with where
 * each comes from. One place: the config keys and the component read these.
 */

/**
 * The engine a new domain gets: the newest OpenSearch the service offers, 3.5 since 2026-03
 * (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/what-is.html#choosing-version).
 * OpenSearch only: the setup function speaks OpenSearch's paths (`_plugins/_security`,
 * Dashboards under `/_dashboards`), which an Elasticsearch domain serves under other
 * names (`_opendistro/_security`, `/_plugin/kibana`). Every OpenSearch version runs
 * fine-grained access control (features-by-version.html, "Fine-grained access control").
 */
export const DEFAULT_ENGINE_VERSION = "OpenSearch_3.5";
export const ENGINE_VERSION = /^OpenSearch_\d+\.\d+$/;

/**
 * The smallest instance the service offers, for dev stacks (AWS does not recommend T3
 * for production: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/supported-instance-types.html).
 * T3 is not among the types that lack encryption at rest or fine-grained access control
 * (below); its restrictions are UltraWarm and cold storage (ultrawarm.html,
 * cold-storage.html) and Auto-Tune, none of which the domain uses.
 */
export const DEFAULT_INSTANCE_TYPE = "t3.small.search";
export const INSTANCE_TYPE = /^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/;

/**
 * Instance families that cannot run fine-grained access control, from the supported
 * instance types page (supported-instance-types.html, "Restrictions"): M3 and R3 "do not
 * support encryption of data at rest or fine-grained access control"; T2 types "do not
 * support encryption of data at rest", which fine-grained access control requires
 * (fgac.html, "Enabling fine-grained access control").
 */
export const NO_FINE_GRAINED_ACCESS_FAMILIES = ["t2", "m3", "r3"] as const;

/** Whether a domain of this instance type can run fine-grained access control. */
export function runsFineGrainedAccessControl(instanceType: string): boolean {
  const family = instanceType.split(".")[0];
  return !(NO_FINE_GRAINED_ACCESS_FAMILIES as readonly string[]).includes(family);
}

/**
 * Data nodes per domain (80 without a quota increase) and the gp3 volume size per node:
 * 10 GiB at least; the most depends on the instance type (t3.small.search: 100 GiB) and
 * AWS checks it at deploy. https://docs.aws.amazon.com/opensearch-service/latest/developerguide/limits.html
 */
export const SEARCH_LIMITS = { maxDataNodes: 80, minVolumeGb: 10, maxVolumeGb: 24_576 } as const;

/** TLS 1.2 or later with perfect forward secrecy: the strictest policy the service offers. */
export const TLS_SECURITY_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";

/**
 * The widest client CIDR accepted: a /16 (65,536 addresses), the block one organisation
 * routes as a campus or office network. Every request must still log in (fine-grained
 * access control), so the CIDR is the second lock: it keeps the Dashboards login page and
 * password guessing to a known network. A wider block (0.0.0.0/1 is half the internet, a
 * /8 sixteen million addresses across many providers) would mean "anyone".
 */
export const WIDEST_CLIENT_CIDR_PREFIX = 16;

/**
 * The master user's generated password: 32 characters (MasterUserOptions takes 8..128,
 * https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_MasterUserOptions.html),
 * at least one of each class (upper, lower, digit, punctuation: what the console asks of a
 * master password), without the characters a shell or a URL would read specially, so the
 * `curl -u` of docs/search.md and a copy from the console work as they are.
 */
export const MASTER_PASSWORD = { length: 32, excludeCharacters: "\"'`$\\/@:" } as const;
