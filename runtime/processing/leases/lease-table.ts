/**
 * The lease table in DynamoDB. Every write that changes who holds a lease, or where it
 * stands, is conditional on the counter the writer last saw (and on the owner), and moves
 * the counter on: a writer with a stale view loses the race instead of overwriting.
 *
 * Attribute names are the KCL's (leaseKey, leaseOwner, leaseCounter, checkpoint,
 * checkpointSubSequenceNumber, ownerSwitchesSinceCheckpoint, parentShardId), so an operator
 * who knows a KCL lease table can read this one.
 */
import {
  AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { Checkpoint, Lease, LEASE_KEY } from "./lease";

const SENTINELS = ["TRIM_HORIZON", "LATEST", "SHARD_END"] as const;

function toItem(lease: Lease): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    leaseKey: { S: lease.leaseKey },
    leaseCounter: { N: String(lease.counter) },
    ...checkpointAttributes(lease.checkpoint),
    ownerSwitchesSinceCheckpoint: { N: String(lease.ownerSwitchesSinceCheckpoint) },
  };
  if (lease.owner !== undefined) item.leaseOwner = { S: lease.owner };
  // DynamoDB has no empty sets: a shard without parents has no attribute.
  if (lease.parentShardIds.length > 0) item.parentShardId = { SS: lease.parentShardIds };
  return item;
}

function checkpointAttributes(c: Checkpoint): Record<string, AttributeValue> {
  return c.kind === "SEQUENCE"
    ? { checkpoint: { S: c.sequenceNumber }, checkpointSubSequenceNumber: { N: String(c.subSequenceNumber) } }
    : { checkpoint: { S: c.kind }, checkpointSubSequenceNumber: { N: "0" } };
}

function fromItem(item: Record<string, AttributeValue>): Lease {
  const text = item.checkpoint?.S ?? "TRIM_HORIZON";
  const checkpoint: Checkpoint = (SENTINELS as readonly string[]).includes(text)
    ? ({ kind: text } as Checkpoint)
    : { kind: "SEQUENCE", sequenceNumber: text, subSequenceNumber: Number(item.checkpointSubSequenceNumber?.N ?? 0) };
  return {
    leaseKey: item.leaseKey.S!,
    ...(item.leaseOwner?.S !== undefined ? { owner: item.leaseOwner.S } : {}),
    counter: Number(item.leaseCounter?.N ?? 0),
    checkpoint,
    parentShardIds: item.parentShardId?.SS ?? [],
    ownerSwitchesSinceCheckpoint: Number(item.ownerSwitchesSinceCheckpoint?.N ?? 0),
  };
}

/** The condition every owner's write carries: nobody wrote since, and it is still ours. */
const HELD = "leaseCounter = :expected AND leaseOwner = :owner";

export class LeaseTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /** Creates the table (on-demand billing) when it does not exist, and waits until it is ACTIVE. */
  async ensureExists(timeoutMs = 30_000): Promise<void> {
    try {
      await this.client.send(
        new CreateTableCommand({
          TableName: this.tableName,
          AttributeDefinitions: [{ AttributeName: LEASE_KEY, AttributeType: "S" }],
          KeySchema: [{ AttributeName: LEASE_KEY, KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    } catch (e) {
      if (!(e instanceof ResourceInUseException)) throw e;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
        if (Table?.TableStatus === "ACTIVE") return;
      } catch (e) {
        if (!(e instanceof ResourceNotFoundException)) throw e;
      }
      if (Date.now() > deadline) throw new Error(`lease table ${this.tableName} not ACTIVE within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Every lease, read consistently. */
  async list(): Promise<Lease[]> {
    const leases: Lease[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      leases.push(...(page.Items ?? []).map(fromItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return leases;
  }

  /** Creates the lease of a new shard unless one exists; true when this call created it. */
  async createIfAbsent(lease: Lease): Promise<boolean> {
    return this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(lease),
          ConditionExpression: "attribute_not_exists(leaseKey)",
        }),
      ),
    ).then((ok) => ok !== undefined);
  }

  /**
   * Takes a lease as seen (`lease` is the taker's last view): succeeds only if nobody wrote
   * it since. Returns the lease as now held, or undefined when another worker was faster.
   */
  async take(lease: Lease, owner: string): Promise<Lease | undefined> {
    const next: Lease = {
      ...lease,
      owner,
      counter: lease.counter + 1,
      ownerSwitchesSinceCheckpoint: lease.ownerSwitchesSinceCheckpoint + (lease.owner === owner ? 0 : 1),
    };
    const ok = await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: { S: lease.leaseKey } },
          UpdateExpression: "SET leaseOwner = :owner, leaseCounter = :next, ownerSwitchesSinceCheckpoint = :switches",
          ConditionExpression: "leaseCounter = :expected",
          ExpressionAttributeValues: {
            ":owner": { S: owner },
            ":next": { N: String(next.counter) },
            ":expected": { N: String(lease.counter) },
            ":switches": { N: String(next.ownerSwitchesSinceCheckpoint) },
          },
        }),
      ),
    );
    return ok && next;
  }

  /** Renews a held lease; undefined means it was lost (taken by another worker). */
  renew(lease: Lease): Promise<Lease | undefined> {
    return this.writeHeld(lease, { ...lease, counter: lease.counter + 1 }, "SET leaseCounter = :next");
  }

  /** Records progress on a held lease; undefined means it was lost and nothing was written. */
  checkpoint(lease: Lease, checkpoint: Checkpoint): Promise<Lease | undefined> {
    const c = checkpointAttributes(checkpoint);
    return this.writeHeld(
      lease,
      { ...lease, counter: lease.counter + 1, checkpoint, ownerSwitchesSinceCheckpoint: 0 },
      "SET leaseCounter = :next, checkpoint = :checkpoint, checkpointSubSequenceNumber = :sub, ownerSwitchesSinceCheckpoint = :zero",
      { ":checkpoint": c.checkpoint, ":sub": c.checkpointSubSequenceNumber, ":zero": { N: "0" } },
    );
  }

  /** Gives a held lease up so that another worker can take it at once (no failover wait). */
  async release(lease: Lease): Promise<boolean> {
    const { owner: _owner, ...unowned } = lease;
    const next = await this.writeHeld(
      lease,
      { ...unowned, counter: lease.counter + 1 },
      "REMOVE leaseOwner SET leaseCounter = :next",
    );
    return next !== undefined;
  }

  /** An owner's write: applied only if the lease is still as `lease` says and still ours. */
  private async writeHeld(
    lease: Lease,
    next: Lease,
    updateExpression: string,
    values: Record<string, AttributeValue> = {},
  ): Promise<Lease | undefined> {
    const ok = await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: { S: lease.leaseKey } },
          UpdateExpression: updateExpression,
          ConditionExpression: HELD,
          ExpressionAttributeValues: { ...this.heldValues(lease, next), ...values },
        }),
      ),
    );
    return ok && next;
  }

  private heldValues(lease: Lease, next: Lease): Record<string, AttributeValue> {
    if (lease.owner === undefined) throw new Error(`lease ${lease.leaseKey} has no owner to write as`);
    return {
      ":next": { N: String(next.counter) },
      ":expected": { N: String(lease.counter) },
      ":owner": { S: lease.owner },
    };
  }

  /** Runs a conditional write: true when it was applied, undefined when its condition failed. */
  private async conditional(write: () => Promise<unknown>): Promise<true | undefined> {
    try {
      await write();
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === "ConditionalCheckFailedException") {
        return undefined;
      }
      throw e;
    }
  }
}
