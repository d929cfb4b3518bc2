/**
 * What the tenants CLI does to the tenants table, each an operator's action with its checks:
 * create a tenant with its first key, list, rotate (a second key), revoke a key, disable and
 * enable a tenant, set its limits. Keys are shown once, by create and rotate, and stored
 * nowhere: only their hashes.
 */
import { UsageError } from "../common/usage-error";
import { RESERVED_TENANT_IDS, TENANT_ID_ALLOWED, isTenantId } from "../stream/tenant-key";
import { ApiKeyKind, apiKeyIdOf, newApiKey } from "./api-key";
import { KeyItem, MAX_ACTIVE_KEYS, TenantItem, TenantLimits } from "./tenant-items";
import { AlreadyExistsError, TenantTable } from "./tenant-table";

/** An operator's mistake: the message says what was wrong and what to do. */
export class TenantCliError extends UsageError {
  override name = "TenantCliError";
}

/** A tenant as `list` shows it: no key, only key ids. */
export interface TenantView extends TenantItem {
  keys: Omit<KeyItem, "hash">[];
}

/** A limit as set-limits takes it: a number, or null to go back to the stack's default. */
export type LimitChange = { [K in keyof TenantLimits]?: number | null };

export function checkTenantId(id: string): string {
  if (!isTenantId(id)) throw new TenantCliError(`a tenant id must be ${TENANT_ID_ALLOWED}, got ${JSON.stringify(id)}`);
  if (RESERVED_TENANT_IDS.includes(id)) {
    throw new TenantCliError(
      `${id} is reserved (${RESERVED_TENANT_IDS.join(", ")} name records without a tenant's key): pick another id`,
    );
  }
  return id;
}

export class TenantAdmin {
  constructor(
    private readonly table: TenantTable,
    private readonly keyKind: ApiKeyKind,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async newKey(tenant: string): Promise<{ key: string; keyId: string }> {
    const { key, hash } = newApiKey(this.keyKind);
    const keyId = apiKeyIdOf(hash);
    await this.table.createKey({ hash, keyId, tenant, status: "active", createdAt: this.now().toISOString() });
    return { key, keyId };
  }

  async create(tenant: string, limits: TenantLimits = {}): Promise<{ key: string; keyId: string }> {
    checkTenantId(tenant);
    try {
      await this.table.createTenant({ tenant, status: "enabled", createdAt: this.now().toISOString(), limits });
    } catch (e) {
      if (e instanceof AlreadyExistsError) {
        throw new TenantCliError(`tenant ${tenant} already exists: \`rotate ${tenant}\` gives it another key`);
      }
      throw e;
    }
    return this.newKey(tenant);
  }

  async list(): Promise<TenantView[]> {
    const { tenants, keys } = await this.table.scan();
    return tenants
      .sort((a, b) => a.tenant.localeCompare(b.tenant))
      .map((t) => ({
        ...t,
        keys: keys
          .filter((k) => k.tenant === t.tenant)
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
          .map(({ hash: _hash, ...k }) => k),
      }));
  }

  private async existing(tenant: string): Promise<TenantView> {
    checkTenantId(tenant);
    const found = (await this.list()).find((t) => t.tenant === tenant);
    if (!found) throw new TenantCliError(`no tenant ${tenant} in the table (\`list\` shows the tenants)`);
    return found;
  }

  /** A second key for `tenant`; the first stays valid until revoked. */
  async rotate(tenant: string): Promise<{ key: string; keyId: string; keep: string[] }> {
    const t = await this.existing(tenant);
    const active = t.keys.filter((k) => k.status === "active").map((k) => k.keyId);
    if (active.length >= MAX_ACTIVE_KEYS) {
      throw new TenantCliError(
        `tenant ${tenant} already holds ${active.length} active keys (${active.join(", ")}), the most it may: revoke the one its senders no longer use first (\`revoke <key id>\`)`,
      );
    }
    return { ...(await this.newKey(tenant)), keep: active };
  }

  async revoke(keyId: string): Promise<{ tenant: string; wasActive: boolean }> {
    if (!/^key_[0-9a-f]{12}$/.test(keyId)) {
      throw new TenantCliError(
        `a key id is key_ and 12 hex digits, as \`list\` shows them, got ${JSON.stringify(keyId)}`,
      );
    }
    const { keys } = await this.table.scan();
    const key = keys.find((k) => k.keyId === keyId);
    if (!key) throw new TenantCliError(`no key ${keyId} in the table (\`list\` shows every tenant's key ids)`);
    if (key.status === "active") await this.table.setKeyStatus(key.hash, keyId, "revoked");
    return { tenant: key.tenant, wasActive: key.status === "active" };
  }

  async setStatus(tenant: string, status: TenantItem["status"]): Promise<void> {
    await this.existing(tenant);
    await this.table.setTenantStatus(tenant, status);
  }

  async setLimits(tenant: string, limits: LimitChange): Promise<void> {
    await this.existing(tenant);
    if (Object.keys(limits).length === 0) {
      throw new TenantCliError(
        "set-limits needs --records-per-second and/or --bytes-per-second (a number, or default)",
      );
    }
    await this.table.setTenantLimits(tenant, limits);
  }
}
