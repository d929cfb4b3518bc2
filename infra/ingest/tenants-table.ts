/**
 * The tenants table (runtime/tenants/tenant-items.ts): tenants, their limits and the SHA-256
 * of their API keys; never a key. On-demand billing (a few reads per key per cache TTL per
 * ingest task), point-in-time recovery, encrypted, and by default protected from deletion:
 * losing it locks every tenant out until each gets a new key.
 *
 * Ingest's tasks may only read it (the GetItem its contract declares); the tenants CLI
 * writes it with the operator's own credentials, which the stack grants nothing.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TENANTS_TABLE_KEY } from "../../runtime/tenants/tenant-items";
import { grant } from "../common/grants";

export interface TenantsTableArgs {
  /**
   * DynamoDB refuses DeleteTable while this is on, `pulumi destroy` included:
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection
   */
  deletionProtection: boolean;
}

export function tenantsTable(name: string, args: TenantsTableArgs, parent: pulumi.Resource): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    name,
    {
      hashKey: TENANTS_TABLE_KEY,
      attributes: [{ name: TENANTS_TABLE_KEY, type: "S" }],
      billingMode: "PAY_PER_REQUEST",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: args.deletionProtection,
    },
    { parent },
  );
}

/**
 * Lets `role` read the table's items with `actions`: what ingest's contract declares on its
 * tenants table (GetItem), nothing that writes.
 */
export function grantReadTenants(
  table: aws.dynamodb.Table,
  role: aws.iam.Role,
  grantee: string,
  parent: pulumi.Resource,
  actions: readonly string[],
) {
  const writes = actions.filter((a) => !/^dynamodb:(GetItem|BatchGetItem|Query)$/.test(a));
  if (writes.length > 0) throw new Error(`${grantee} may only read the tenants table, not ${writes.join(", ")}`);
  return grant(`${grantee}-tenants`, role, [{ sid: "TenantsRead", actions, resources: [table.arn] }], parent);
}
