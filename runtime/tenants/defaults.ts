/**
 * Defaults of tenants at ingest: how it authenticates and limits them. One place, read by
 * the ingest contract (the tasks' environment) and the stack's config (infra/config).
 */
export const INGEST_AUTH_MODES = ["apiKeys", "none"] as const;
export type IngestAuthMode = (typeof INGEST_AUTH_MODES)[number];

export const TENANT_DEFAULTS = {
  /** Secure by default: every request needs a tenant's key; `none` is an explicit opt-out. */
  ingestAuth: "apiKeys" as IngestAuthMode,
  /**
   * How long an ingest task keeps a key lookup (hits and misses): the bound on how late a
   * revoked key or a disabled tenant is still honoured, against one read per key per TTL.
   */
  cacheTtlMs: 30_000,
  /** Key lookups kept per task: far more than the tenants' keys, so made-up keys only evict each other. */
  cacheMaxEntries: 10_000,
  /** Failed authentications an address may make at once, and regains per second. */
  authFailureBurst: 10,
  authFailuresPerSecond: 1,
  /** Client addresses whose failures are remembered per task. */
  authFailureAddresses: 10_000,
  /**
   * A tenant's limits per ingest task when the table sets none: one shard's write capacity
   * (1,000 records/s and 1 MiB/s: https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html).
   */
  recordsPerSecond: 1000,
  bytesPerSecond: 1024 * 1024,
  /** Tenants with a Tenant dimension of their own in the metrics, at most. */
  maxNamedTenants: 20,
} as const;
