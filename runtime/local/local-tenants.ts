/**
 * The local stack's tenants: their table in the DynamoDB emulator (on AWS the stack owns it),
 * a `demo` tenant whose key `npm start` prints with a curl line, and the taxi replay's
 * tenant, whose key the replay child gets. Local keys are `kp_test_` keys: a secret scanner
 * tells them from live ones.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import { TenantAdmin } from "../tenants/tenant-admin";
import { TENANTS_TABLE_KEY } from "../tenants/tenant-items";
import { TenantTable } from "../tenants/tenant-table";

export const LOCAL_TENANTS_TABLE = "kinesis-pipeline-tenants";
export const DEMO_TENANT = "demo";
/** The taxi replay's tenant, locally as on AWS. */
export const REPLAY_TENANT = "taxi-replay";
/**
 * The local ingest keeps key lookups 5 s (AWS: 30 s), so a revocation or a disabled tenant
 * shows within seconds when trying it out; the emulator is in the same machine.
 */
export const LOCAL_AUTH_CACHE_TTL_MS = 5_000;

/** Creates the tenants table (as the stack does on AWS: its one key, on-demand) and waits until it is ACTIVE. */
export async function createTenantsTable(client: DynamoDBClient, name: string, timeoutMs = 30_000): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: TENANTS_TABLE_KEY, AttributeType: "S" }],
        KeySchema: [{ AttributeName: TENANTS_TABLE_KEY, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
  const deadline = Date.now() + timeoutMs;
  while ((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus !== "ACTIVE") {
    if (Date.now() > deadline) throw new Error(`tenants table ${name} not ACTIVE within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The table, with the demo and replay tenants and one key each. */
export async function setUpLocalTenants(
  client: DynamoDBClient,
  region: string,
): Promise<{ table: string; demoKey: string; replayKey: string }> {
  await createTenantsTable(client, LOCAL_TENANTS_TABLE);
  const admin = new TenantAdmin(new TenantTable(client, LOCAL_TENANTS_TABLE, region), "test");
  const demo = await admin.create(DEMO_TENANT);
  const replay = await admin.create(REPLAY_TENANT);
  return { table: LOCAL_TENANTS_TABLE, demoKey: demo.key, replayKey: replay.key };
}
