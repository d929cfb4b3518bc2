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

export interface IngestConfig {
  /** A shipped schema that ingest enforces. */
  schema?: string;
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
