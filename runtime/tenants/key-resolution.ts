/**
 * From a presented key's hash to what ingest does with the request: the tenant it writes as
 * (with its limits), a key nobody holds (401), or a disabled tenant (403). A revoked key reads
 * exactly as an unknown one: an answer never tells a once-valid key from a made-up one.
 */
import { sameApiKeyHash } from "./api-key";
import { TenantLimits } from "./tenant-items";
import { TenantReader } from "./tenant-table";

export type KeyResolution =
  { kind: "tenant"; tenant: string; limits: TenantLimits } | { kind: "unknown" } | { kind: "disabled"; tenant: string };

export async function resolveKey(reader: TenantReader, hash: string): Promise<KeyResolution> {
  const key = await reader.keyByHash(hash);
  if (key === undefined || key.status !== "active" || !sameApiKeyHash(key.hash, hash)) return { kind: "unknown" };
  const tenant = await reader.tenant(key.tenant);
  // A key whose tenant is gone authenticates nobody.
  if (tenant === undefined) return { kind: "unknown" };
  if (tenant.status !== "enabled") return { kind: "disabled", tenant: tenant.tenant };
  return { kind: "tenant", tenant: tenant.tenant, limits: tenant.limits };
}
