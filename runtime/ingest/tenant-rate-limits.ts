/**
 * Per-tenant limits, per ingest task: records per second and bytes per second, each a token
 * bucket that holds at most one second of its rate. A request is admitted whole while both
 * buckets hold something, and takes its full cost (a bucket may go below zero); the tenant's
 * next request waits until both are positive again. So any request fits however large (a
 * 500-record batch under a 100 records/s limit waits its five seconds afterwards), the
 * average stays within the rate, and nothing is admitted in part: a refused request stored
 * nothing and is retried whole, an admitted one is accepted whole.
 *
 * Buckets are per tenant: one tenant's flood empties its own buckets and no other's. The
 * limits hold per task: the load balancer spreads a tenant's requests over the tasks, so the
 * stack admits up to (number of ingest tasks) x (the limit) for one tenant.
 */
import { TenantLimits } from "../tenants/tenant-items";

export interface RateLimitDefaults {
  recordsPerSecond: number;
  bytesPerSecond: number;
}

interface Buckets {
  records: number;
  bytes: number;
  at: number;
  recordsPerSecond: number;
  bytesPerSecond: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number; limit: "records" | "bytes" };

export class TenantRateLimits {
  private readonly buckets = new Map<string, Buckets>();
  private readonly now: () => number;

  constructor(
    private readonly defaults: RateLimitDefaults,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  /** A tenant's limits: its own where the table sets them, else the defaults. */
  limitsOf(limits: TenantLimits): RateLimitDefaults {
    return {
      recordsPerSecond: limits.recordsPerSecond ?? this.defaults.recordsPerSecond,
      bytesPerSecond: limits.bytesPerSecond ?? this.defaults.bytesPerSecond,
    };
  }

  /** Admits `records` records of `bytes` bytes for `tenant`, whole, or says how long to wait. */
  take(tenant: string, own: TenantLimits, records: number, bytes: number): Admission {
    const { recordsPerSecond, bytesPerSecond } = this.limitsOf(own);
    const now = this.now();
    let b = this.buckets.get(tenant);
    if (b === undefined) {
      b = { records: recordsPerSecond, bytes: bytesPerSecond, at: now, recordsPerSecond, bytesPerSecond };
      this.buckets.set(tenant, b);
    }
    // A changed limit (set-limits, seen after the cache's TTL) applies from now on.
    b.recordsPerSecond = recordsPerSecond;
    b.bytesPerSecond = bytesPerSecond;
    const seconds = (now - b.at) / 1000;
    b.records = Math.min(recordsPerSecond, b.records + seconds * recordsPerSecond);
    b.bytes = Math.min(bytesPerSecond, b.bytes + seconds * bytesPerSecond);
    b.at = now;
    if (b.records <= 0 || b.bytes <= 0) {
      const recordsWait = b.records <= 0 ? (-b.records / recordsPerSecond) * 1000 : 0;
      const bytesWait = b.bytes <= 0 ? (-b.bytes / bytesPerSecond) * 1000 : 0;
      // Positive, not just zero: a bucket refilled exactly to 0 still refuses.
      return {
        admitted: false,
        retryAfterMs: Math.max(1, Math.ceil(Math.max(recordsWait, bytesWait))),
        limit: recordsWait >= bytesWait ? "records" : "bytes",
      };
    }
    b.records -= records;
    b.bytes -= bytes;
    return { admitted: true };
  }
}
