/** The lease table against dynalite: every write conditional, exactly one winner of a race. */
import { expect } from "chai";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoDbClient } from "../../../runtime/common/aws/dynamodb-client";
import { Lease, sequenceCheckpoint, SHARD_END, TRIM_HORIZON } from "../../../runtime/processing/leases/lease";
import { LeaseTable } from "../../../runtime/processing/leases/lease-table";
import { Emulator, LOCAL_REGION, startDynamo } from "../../../runtime/local/emulators";

function fresh(key: string, parents: string[] = []): Lease {
  return {
    leaseKey: key,
    counter: 0,
    checkpoint: TRIM_HORIZON,
    parentShardIds: parents,
    ownerSwitchesSinceCheckpoint: 0,
  };
}

describe("LeaseTable on dynalite", function () {
  this.timeout(60_000);
  let dynamo: Emulator;
  let client: DynamoDBClient;
  let tables = 0;
  const table = async () => {
    const t = new LeaseTable(client, `leases-${++tables}`);
    await t.ensureExists();
    return t;
  };

  before(async () => {
    dynamo = await startDynamo();
    client = createDynamoDbClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint });
  });
  after(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it("creates the table once and keeps the lease of a shard unique", async () => {
    const t = await table();
    await t.ensureExists();
    expect(await t.createIfAbsent(fresh("shard-1", ["shard-0"]))).to.equal(true);
    expect(await t.createIfAbsent(fresh("shard-1"))).to.equal(false);
    expect(await t.list()).to.deep.equal([fresh("shard-1", ["shard-0"])]);
  });

  it("of 20 workers taking the same lease at once, exactly one wins", async () => {
    const t = await table();
    await t.createIfAbsent(fresh("s"));
    const seen = (await t.list())[0];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.take(seen, `worker-${i}`)));
    const winners = results.filter((r) => r !== undefined);
    expect(winners).to.have.lengthOf(1);
    const [stored] = await t.list();
    expect(stored.owner).to.equal(winners[0]!.owner);
    expect(stored.counter).to.equal(1);
    expect(stored.ownerSwitchesSinceCheckpoint).to.equal(1);
  });

  it("a stale holder cannot renew, checkpoint or release once another worker took the lease", async () => {
    const t = await table();
    await t.createIfAbsent(fresh("s"));
    const a = (await t.take((await t.list())[0], "a"))!;
    const renewed = (await t.renew(a))!;
    expect(renewed.counter).to.equal(2);
    // b saw the lease at counter 2 and takes it (as after a failover)
    const b = (await t.take(renewed, "b"))!;
    expect(b.owner).to.equal("b");
    expect(await t.renew(renewed), "a's renewal after the steal").to.equal(undefined);
    expect(await t.checkpoint(renewed, sequenceCheckpoint("42")), "a's checkpoint after the steal").to.equal(undefined);
    expect(await t.release(renewed)).to.equal(false);
    expect((await t.list())[0]).to.deep.include({ owner: "b", checkpoint: TRIM_HORIZON, counter: 3 });
  });

  it("checkpoints sub-record positions and SHARD_END, and resets owner switches", async () => {
    const t = await table();
    await t.createIfAbsent(fresh("s"));
    let l = (await t.take((await t.list())[0], "a"))!;
    l = (await t.checkpoint(l, sequenceCheckpoint("49590338271490256608559692538361571095921575989136588898", 7)))!;
    expect((await t.list())[0].checkpoint).to.deep.equal(
      sequenceCheckpoint("49590338271490256608559692538361571095921575989136588898", 7),
    );
    expect((await t.list())[0].ownerSwitchesSinceCheckpoint).to.equal(0);
    l = (await t.checkpoint(l, SHARD_END))!;
    expect((await t.list())[0].checkpoint).to.deep.equal(SHARD_END);
    expect(l.counter).to.equal(3);
  });

  it("release leaves the lease without owner, so a peer can take it at once", async () => {
    const t = await table();
    await t.createIfAbsent(fresh("s"));
    const held = (await t.take((await t.list())[0], "a"))!;
    expect(await t.release(held)).to.equal(true);
    const [free] = await t.list();
    expect(free.owner).to.equal(undefined);
    expect((await t.take(free, "b"))?.owner).to.equal("b");
  });

  it("lists past one page of results", async () => {
    const t = await table();
    // dynalite pages a Scan at 1 MB: large parent sets make a few hundred leases exceed it.
    const parents = Array.from(
      { length: 300 },
      (_, i) => `shardId-${String(i).padStart(12, "0")}-parent-with-a-long-name`,
    );
    await Promise.all(Array.from({ length: 300 }, (_, i) => t.createIfAbsent(fresh(`shard-${i}`, parents))));
    expect((await t.list()).length).to.equal(300);
  });
});
