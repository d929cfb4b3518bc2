/**
 * The name ingest serves HTTPS under. No certificate can cover the load balancer's own
 * name, so HTTPS always comes with a name of the user's (infra/ingest/dns-name.ts).
 */
export interface IngestDomainConfig {
  name: string;
  /** Its Route 53 hosted zone: the stack creates the alias record (and a certificate, unless one is given). */
  hostedZoneId?: string;
  /** An existing certificate that covers the name; unset: the stack requests one in the zone. */
  certificateArn?: string;
}

/** Tenants at ingest (ingestAuth apiKeys): their table and their limits (docs/tenants.md). */
export interface TenantsConfig {
  /** A tenant's records/s and bytes/s per ingest task, unless the table sets its own. */
  recordsPerSecond: number;
  bytesPerSecond: number;
  /** Tenants with a Tenant metric dimension of their own. */
  metricsFor: string[];
  /** The tenants table refuses deletion. */
  deletionProtection: boolean;
}

export interface IngestConfig {
  /** A shipped schema that ingest enforces. */
  schema?: string;
  /** Set with ingestAuth apiKeys: every request needs a tenant's key. Unset: ingestAuth none. */
  tenants?: TenantsConfig;
  /** With tenants and no domain: plain HTTP accepted on purpose (ingestAllowPlainHttp). */
  allowPlainHttp: boolean;
  allowedCidrs: string[];
  /** Set: HTTPS under this name. Unset: HTTP at the load balancer's own name. */
  domain?: IngestDomainConfig;
  ackMode: "durable" | "buffered";
  cpu: number;
  memory: number;
  minTasks: number;
  maxTasks: number;
  /** Days the load balancer's access logs are kept. */
  accessLogDays: number;
}
