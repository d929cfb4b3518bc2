/**
 * What the tenants table holds, as pure data: one item per tenant and one per API key, both
 * under the table's one partition key (`id`). Ingest reads a key's item by the key's hash and
 * then its tenant's item (two GetItems, cached); the tenants CLI writes both.
 *
 * - `key#<sha256 of the key>`: the tenant it authenticates, its status (active, revoked),
 *   its public id and creation time. The key itself is stored nowhere.
 * - `tenant#<tenant id>`: its status (enabled, disabled), creation time, and its limits when
 *   they differ from the stack's defaults.
 */
export const TENANTS_TABLE_KEY = "id";

export type KeyStatus = "active" | "revoked";
export type TenantStatus = "enabled" | "disabled";

export interface KeyItem {
  hash: string;
  keyId: string;
  tenant: string;
  status: KeyStatus;
  createdAt: string;
}

/** A tenant's own limits, per ingest task; unset: the stack's defaults. */
export interface TenantLimits {
  recordsPerSecond?: number;
  bytesPerSecond?: number;
}

export interface TenantItem {
  tenant: string;
  status: TenantStatus;
  createdAt: string;
  limits: TenantLimits;
}

export function keyItemId(hash: string): string {
  return `key#${hash}`;
}

export function tenantItemId(tenant: string): string {
  return `tenant#${tenant}`;
}

/**
 * How many keys a tenant may hold active at once: two, so a key is rotated without downtime
 * (create the new one, move every sender to it, revoke the old one).
 */
export const MAX_ACTIVE_KEYS = 2;
