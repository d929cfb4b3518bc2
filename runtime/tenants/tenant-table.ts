/**
 * The tenants table in DynamoDB (items: tenant-items.ts). Ingest only reads it, with GetItem
 * (its role may do nothing else); the tenants CLI writes it with the operator's credentials.
 * Writes that create are conditional, so a tenant or a key is never created twice.
 */
import {
  AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  KeyItem,
  KeyStatus,
  keyItemId,
  TENANTS_TABLE_KEY,
  TenantItem,
  tenantItemId,
  TenantLimits,
  TenantStatus,
} from "./tenant-items";

/** What ingest reads: a key's item by its hash, a tenant's item by its id. */
export interface TenantReader {
  keyByHash(hash: string): Promise<KeyItem | undefined>;
  tenant(id: string): Promise<TenantItem | undefined>;
}

/** The table is not there (a wrong name or region): said once, with both. */
export class MissingTableError extends Error {
  override name = "MissingTableError";
  constructor(
    readonly table: string,
    readonly region: string,
  ) {
    super(`the tenants table ${table} does not exist in ${region} (check the table name and the region)`);
  }
}

/** A create that found the item already there. */
export class AlreadyExistsError extends Error {
  override name = "AlreadyExistsError";
}

/** An update of an item that is not there. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

const ID = TENANTS_TABLE_KEY;

function keyToItem(k: KeyItem): Record<string, AttributeValue> {
  return {
    [ID]: { S: keyItemId(k.hash) },
    kind: { S: "key" },
    hash: { S: k.hash },
    keyId: { S: k.keyId },
    tenant: { S: k.tenant },
    status: { S: k.status },
    createdAt: { S: k.createdAt },
  };
}

function keyFromItem(item: Record<string, AttributeValue>): KeyItem {
  return {
    hash: item.hash?.S ?? "",
    keyId: item.keyId?.S ?? "",
    tenant: item.tenant?.S ?? "",
    status: item.status?.S === "active" ? "active" : "revoked",
    createdAt: item.createdAt?.S ?? "",
  };
}

function tenantToItem(t: TenantItem): Record<string, AttributeValue> {
  return {
    [ID]: { S: tenantItemId(t.tenant) },
    kind: { S: "tenant" },
    tenant: { S: t.tenant },
    status: { S: t.status },
    createdAt: { S: t.createdAt },
    ...limitAttributes(t.limits),
  };
}

function limitAttributes(limits: TenantLimits): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.entries(limits)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, { N: String(v) }]),
  );
}

function tenantFromItem(item: Record<string, AttributeValue>): TenantItem {
  const number = (name: string) => (item[name]?.N !== undefined ? Number(item[name].N) : undefined);
  const limits: TenantLimits = {};
  const records = number("recordsPerSecond");
  const bytes = number("bytesPerSecond");
  if (records !== undefined) limits.recordsPerSecond = records;
  if (bytes !== undefined) limits.bytesPerSecond = bytes;
  return {
    tenant: item.tenant?.S ?? "",
    // Anything but an explicit "enabled" is disabled: a damaged item never lets a tenant in.
    status: item.status?.S === "enabled" ? "enabled" : "disabled",
    createdAt: item.createdAt?.S ?? "",
    limits,
  };
}

export class TenantTable implements TenantReader {
  constructor(
    private readonly client: DynamoDBClient,
    readonly name: string,
    private readonly region: string,
  ) {}

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof ResourceNotFoundException) throw new MissingTableError(this.name, this.region);
      throw e;
    }
  }

  private async get(id: string): Promise<Record<string, AttributeValue> | undefined> {
    // Consistent reads: a revoked key or a disabled tenant is seen by the next lookup, so the
    // cache's time to live alone bounds when it takes effect.
    const out = await this.call(() =>
      this.client.send(new GetItemCommand({ TableName: this.name, Key: { [ID]: { S: id } }, ConsistentRead: true })),
    );
    return out.Item;
  }

  async keyByHash(hash: string): Promise<KeyItem | undefined> {
    const item = await this.get(keyItemId(hash));
    return item ? keyFromItem(item) : undefined;
  }

  async tenant(id: string): Promise<TenantItem | undefined> {
    const item = await this.get(tenantItemId(id));
    return item ? tenantFromItem(item) : undefined;
  }

  private async create(item: Record<string, AttributeValue>, what: string): Promise<void> {
    try {
      await this.call(() =>
        this.client.send(
          new PutItemCommand({
            TableName: this.name,
            Item: item,
            ConditionExpression: "attribute_not_exists(#id)",
            ExpressionAttributeNames: { "#id": ID },
          }),
        ),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw new AlreadyExistsError(`${what} already exists`);
      throw e;
    }
  }

  createTenant(t: TenantItem): Promise<void> {
    return this.create(tenantToItem(t), `tenant ${t.tenant}`);
  }

  createKey(k: KeyItem): Promise<void> {
    return this.create(keyToItem(k), `key ${k.keyId}`);
  }

  private async update(id: string, what: string, set: Record<string, AttributeValue>, remove: string[] = []) {
    const names: Record<string, string> = { "#id": ID };
    const values: Record<string, AttributeValue> = {};
    const sets: string[] = [];
    Object.entries(set).forEach(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      sets.push(`#s${i} = :s${i}`);
    });
    remove.forEach((name, i) => (names[`#r${i}`] = name));
    const expression = [
      sets.length > 0 ? `SET ${sets.join(", ")}` : "",
      remove.length > 0 ? `REMOVE ${remove.map((_, i) => `#r${i}`).join(", ")}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    try {
      await this.call(() =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.name,
            Key: { [ID]: { S: id } },
            UpdateExpression: expression,
            ConditionExpression: "attribute_exists(#id)",
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw new NotFoundError(`${what} does not exist`);
      throw e;
    }
  }

  setKeyStatus(hash: string, keyId: string, status: KeyStatus): Promise<void> {
    return this.update(keyItemId(hash), `key ${keyId}`, { status: { S: status } });
  }

  setTenantStatus(tenant: string, status: TenantStatus): Promise<void> {
    return this.update(tenantItemId(tenant), `tenant ${tenant}`, { status: { S: status } });
  }

  /** Sets the given limits, and removes those given as null (back to the stack's defaults). */
  setTenantLimits(tenant: string, limits: { [K in keyof TenantLimits]?: number | null }): Promise<void> {
    const set = limitAttributes(
      Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== null)) as TenantLimits,
    );
    const remove = Object.entries(limits)
      .filter(([, v]) => v === null)
      .map(([k]) => k);
    return this.update(tenantItemId(tenant), `tenant ${tenant}`, set, remove);
  }

  /** Every tenant and key (the CLI's list and checks; a table of tenants is small). */
  async scan(): Promise<{ tenants: TenantItem[]; keys: KeyItem[] }> {
    const tenants: TenantItem[] = [];
    const keys: KeyItem[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(new ScanCommand({ TableName: this.name, ExclusiveStartKey: start, ConsistentRead: true })),
      );
      for (const item of page.Items ?? []) {
        if (item.kind?.S === "tenant") tenants.push(tenantFromItem(item));
        else if (item.kind?.S === "key") keys.push(keyFromItem(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { tenants, keys };
  }
}
