/**
 * The processing workers' lease table (see runtime/processing/leases/LEASES.md): one item per
 * shard, on-demand billing, point-in-time recovery, encrypted, and (by default) protected
 * from deletion: it holds every shard's checkpoint, and losing it makes the workers start
 * over from processingInitialPosition. Its name is the consumer application's name
 * (APPLICATION_NAME).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PROCESSING } from "../../runtime/processing/service-contract";
import { grant } from "../common/grants";

/** The table's partition key, as the workers read and write their leases. */
const LEASE_KEY = PROCESSING.resources.leaseTable.key!;

export interface LeaseTableArgs {
  /**
   * DynamoDB refuses DeleteTable while this is on, `pulumi destroy` included:
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection
   */
  deletionProtection: boolean;
}

export function leaseTable(name: string, args: LeaseTableArgs, parent: pulumi.Resource): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    name,
    {
      hashKey: LEASE_KEY,
      attributes: [{ name: LEASE_KEY, type: "S" }],
      billingMode: "PAY_PER_REQUEST",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: args.deletionProtection,
    },
    { parent },
  );
}

/** Lets `role` make `actions` on the table's items: what the workers' contract declares on their lease table. */
export function grantLeaseTable(
  table: aws.dynamodb.Table,
  role: aws.iam.Role,
  grantee: string,
  parent: pulumi.Resource,
  actions: readonly string[],
) {
  return grant(`${grantee}-leases`, role, [{ sid: "Leases", actions, resources: [table.arn] }], parent);
}
