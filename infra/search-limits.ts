/**
 * The OpenSearch Service facts the search domain's config is checked against, with where
 * each comes from. One place: the config keys, the component and the README quote these.
 */

/**
 * The engine a new domain gets: the newest OpenSearch the service's upgrade guide lists
 * (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/version-migration.html).
 * `Elasticsearch_7.10` stays accepted, as in the reference architecture.
 */
export const DEFAULT_ENGINE_VERSION = "OpenSearch_3.3";
export const ENGINE_VERSION = /^(OpenSearch_\d+\.\d+|Elasticsearch_7\.10)$/;

/**
 * The smallest instance the service offers, for dev stacks (AWS does not recommend T3
 * for production: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/supported-instance-types.html).
 */
export const DEFAULT_INSTANCE_TYPE = "t3.small.search";
export const INSTANCE_TYPE = /^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/;

/**
 * Data nodes per domain (80 without a quota increase) and the gp3 volume size per node:
 * 10 GiB at least; the most depends on the instance type (t3.small.search: 100 GiB) and
 * AWS checks it at deploy. https://docs.aws.amazon.com/opensearch-service/latest/developerguide/limits.html
 */
export const SEARCH_LIMITS = { maxDataNodes: 80, minVolumeGb: 10, maxVolumeGb: 24_576 } as const;

/** TLS 1.2 or later with perfect forward secrecy: the strictest policy the service offers. */
export const TLS_SECURITY_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";
