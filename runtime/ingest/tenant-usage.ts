/**
 * What each tenant sent through this task in an interval: records and bytes accepted, and
 * refused records by reason. Reported two ways, so the cost stays bounded however many
 * tenants there are:
 * - EMF metrics with a Tenant dimension, for the tenants the stack names (TENANT_METRICS_FOR)
 *   and one "others" value for all the rest: (named + 1) x (2 + the reasons seen) custom
 *   metrics per stream, whatever the number of tenants. With 1,000 tenants, 5 of them named,
 *   and 3 reasons seen: 6 x 5 = 30 metrics, about $9 a month; a dimension per tenant would
 *   be at least 2,000 metrics ($600 a month) and grow with every tenant.
 * - One JSON log line per active tenant per interval (`"msg":"tenant usage"`), for every
 *   tenant: CloudWatch Logs Insights answers "who sent what" from them (docs/tenants.md).
 */
import { Logger } from "pino";
import { LineSink, metricsDocument } from "../observability/emf";
import { putPerDimension } from "../observability/interval-report";
import {
  PIPELINE_SERVICES,
  REASON_DIMENSION,
  SERVICE_DIMENSION,
  TENANT_DIMENSION,
  TENANT_METRICS,
  TENANT_OTHERS,
  TENANT_REJECT_METRICS,
} from "../observability/metrics/pipeline";

interface Counts {
  records: number;
  bytes: number;
  rejects: Record<string, number>;
}

/** The message of the per-tenant log line, as queries filter on it. */
export const TENANT_USAGE_MESSAGE = "tenant usage";

/** One tenant's counts of one interval, as its usage log line holds them. */
export interface TenantUsageLine {
  /** Epoch ms the line was written at. */
  at: number;
  tenant: string;
  records: number;
  bytes: number;
  rejects: Record<string, number>;
}

/** A usage line read back (the live page reads ingest's stdout); undefined for any other line. */
export function readTenantUsageLine(line: string): TenantUsageLine | undefined {
  if (!line.startsWith("{") || !line.includes(`"msg":"${TENANT_USAGE_MESSAGE}"`)) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { time, tenant, records, bytes, rejects } = parsed;
  if (typeof tenant !== "string" || typeof records !== "number" || typeof bytes !== "number") return undefined;
  const counts = Object.fromEntries(
    Object.entries(typeof rejects === "object" && rejects !== null ? rejects : {}).filter(
      (e): e is [string, number] => typeof e[1] === "number",
    ),
  );
  return { at: typeof time === "number" ? time : Date.now(), tenant, records, bytes, rejects: counts };
}

export class TenantUsage {
  private counts = new Map<string, Counts>();
  private readonly named: ReadonlySet<string>;

  constructor(
    private readonly sink: LineSink,
    private readonly log: Logger,
    private readonly streamName: string,
    named: readonly string[],
  ) {
    this.named = new Set(named);
  }

  private of(tenant: string): Counts {
    let c = this.counts.get(tenant);
    if (c === undefined) {
      c = { records: 0, bytes: 0, rejects: {} };
      this.counts.set(tenant, c);
    }
    return c;
  }

  accepted(tenant: string, records: number, bytes: number): void {
    const c = this.of(tenant);
    c.records += records;
    c.bytes += bytes;
  }

  rejected(tenant: string, reason: string, records: number): void {
    const c = this.of(tenant);
    c.rejects[reason] = (c.rejects[reason] ?? 0) + records;
  }

  /** The Tenant dimension's value for `tenant`. */
  dimensionOf(tenant: string): string {
    return this.named.has(tenant) ? tenant : TENANT_OTHERS;
  }

  /** Writes the interval's documents and log lines, and starts counting again. */
  async report(): Promise<void> {
    const counts = this.counts;
    this.counts = new Map();
    const byDimension = new Map<string, Counts>();
    for (const [tenant, c] of counts) {
      this.log.info({ tenant, records: c.records, bytes: c.bytes, rejects: c.rejects }, TENANT_USAGE_MESSAGE);
      const d = this.dimensionOf(tenant);
      const sum = byDimension.get(d) ?? { records: 0, bytes: 0, rejects: {} };
      sum.records += c.records;
      sum.bytes += c.bytes;
      for (const [reason, n] of Object.entries(c.rejects)) sum.rejects[reason] = (sum.rejects[reason] ?? 0) + n;
      byDimension.set(d, sum);
    }
    for (const [tenant, c] of byDimension) {
      const dims = {
        [SERVICE_DIMENSION]: PIPELINE_SERVICES.ingest,
        StreamName: this.streamName,
        [TENANT_DIMENSION]: tenant,
      };
      await metricsDocument(this.sink, dims)
        .put(TENANT_METRICS.TenantRecords, c.records)
        .put(TENANT_METRICS.TenantBytes, c.bytes)
        .flush();
      const rejects = new Map(Object.entries(c.rejects));
      await putPerDimension(this.sink, dims, REASON_DIMENSION, rejects, TENANT_REJECT_METRICS.TenantRejects);
    }
  }
}
