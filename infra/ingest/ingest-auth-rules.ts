/**
 * The rule between ingest's authentication and its transport, in the words of the stack
 * config: an API key rides in every request, so with keys on ingest is HTTPS only unless
 * the stack accepts plain HTTP explicitly (a dev stack without a domain of its own).
 */
export interface IngestAuthSettings {
  ingestAuth?: string;
  /** Whether ingestDomainName is set (HTTPS). */
  https: boolean;
  ingestAllowPlainHttp?: boolean;
}

export function ingestAuthProblems(settings: IngestAuthSettings): string[] {
  if (settings.ingestAuth !== "apiKeys" || settings.https || settings.ingestAllowPlainHttp === true) return [];
  return [
    "ingestAuth apiKeys sends a tenant's API key with every request, and without ingestDomainName the load balancer serves plain HTTP, where anyone on the path can read the keys: " +
      "pulumi config set ingestDomainName <your name> (with ingestHostedZoneId or certificateArn) for HTTPS only, " +
      "or pulumi config set ingestAllowPlainHttp true to accept plain HTTP (a dev stack), or pulumi config set ingestAuth none",
  ];
}
