/**
 * A tenants table in memory, for unit tests of authentication: the reader ingest uses, with
 * helpers that write as the tenants CLI does, and a count of reads (what the cache saves).
 */
import { apiKeyHash, apiKeyIdOf, newApiKey } from "../../runtime/tenants/api-key";
import { KeyItem, TenantItem, TenantLimits } from "../../runtime/tenants/tenant-items";
import { TenantReader } from "../../runtime/tenants/tenant-table";

export class MemoryTenants implements TenantReader {
  readonly keys = new Map<string, KeyItem>();
  readonly tenants = new Map<string, TenantItem>();
  reads = 0;
  /** Set to make every read fail (the table unreachable). */
  failing?: Error;

  async keyByHash(hash: string): Promise<KeyItem | undefined> {
    this.reads++;
    if (this.failing) throw this.failing;
    const k = this.keys.get(hash);
    return k && { ...k };
  }

  async tenant(id: string): Promise<TenantItem | undefined> {
    this.reads++;
    if (this.failing) throw this.failing;
    const t = this.tenants.get(id);
    return t && { ...t, limits: { ...t.limits } };
  }

  /** A tenant and one key of it; returns the key. */
  add(tenant: string, limits: TenantLimits = {}): string {
    this.tenants.set(tenant, { tenant, status: "enabled", createdAt: "2026-12-07T00:00:00Z", limits });
    return this.addKey(tenant);
  }

  addKey(tenant: string): string {
    const { key, hash } = newApiKey("test");
    this.keys.set(hash, { hash, keyId: apiKeyIdOf(hash), tenant, status: "active", createdAt: "2026-12-07T00:00:00Z" });
    return key;
  }

  revoke(key: string): void {
    this.keys.get(apiKeyHash(key))!.status = "revoked";
  }

  setStatus(tenant: string, status: TenantItem["status"]): void {
    this.tenants.get(tenant)!.status = status;
  }
}
