/**
 * Ingest's tenants from its settings (INGEST_AUTH=apiKeys): the authentication against the
 * tenants table with its cache and failure throttle, the per-tenant limits, and the
 * per-tenant metrics. Undefined with INGEST_AUTH=none. The service and the throughput
 * benchmark's server build them the same way.
 */
import { Logger } from "pino";
import { createDynamoDbClient } from "../common/aws/dynamodb-client";
import { LineSink } from "../observability/emf";
import { KeyResolution } from "../tenants/key-resolution";
import { LookupCache } from "../tenants/lookup-cache";
import { TenantTable } from "../tenants/tenant-table";
import { AuthFailureThrottle } from "./auth-failures";
import { IngestApiOptions } from "./ingest-api";
import { IngestSettings } from "./settings";
import { TenantAuth } from "./tenant-auth";
import { TenantRateLimits } from "./tenant-rate-limits";
import { TenantUsage } from "./tenant-usage";

export function ingestTenants(settings: IngestSettings, log: Logger, sink: LineSink): IngestApiOptions["tenants"] {
  const t = settings.tenants;
  if (t === undefined) return undefined;
  const table = new TenantTable(
    createDynamoDbClient({ region: settings.region, endpoint: t.dynamoDbEndpoint }),
    t.table,
    settings.region,
  );
  return {
    auth: new TenantAuth({
      reader: table,
      cache: new LookupCache<KeyResolution>({ ttlMs: t.cacheTtlMs, maxEntries: t.cacheMaxEntries }),
      failures: new AuthFailureThrottle({
        burst: t.failureBurst,
        perSecond: t.failuresPerSecond,
        maxAddresses: t.failureAddresses,
      }),
      // The error only: the request's key is not part of it.
      onLookupError: (error) => log.error({ err: (error as Error).message, table: t.table }, "tenant lookup failed"),
    }),
    limits: new TenantRateLimits({ recordsPerSecond: t.recordsPerSecond, bytesPerSecond: t.bytesPerSecond }),
    usage: new TenantUsage(sink, log, settings.streamName, t.metricsFor),
    clientAddress: t.clientAddress,
  };
}
