import { expect } from "chai";
import { consumerRecordsOf } from "../../../runtime/processing/consumer-records";
import { processKinesisBatch } from "../../../runtime/processing/lambda-batch";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";
import { aggregate } from "../../../runtime/stream/aggregation";
import { hashKeyOf } from "../../../runtime/stream/hash-key";
import { STREAM_LIMITS } from "../../../runtime/stream/limits";
import {
  ANONYMOUS_TENANT,
  clientKeyOf,
  isTenantId,
  MAX_CLIENT_KEY_LENGTH,
  MAX_TENANT_ID_LENGTH,
  tenantOf,
  tenantPartitionKey,
  UNTENANTED,
} from "../../../runtime/stream/tenant-key";

// awslabs' de-aggregator: an independent reader of the KPL format (see aggregation.test.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const oracle = require("aws-kinesis-agg") as {
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    checksums: boolean,
    done: (err: Error | null, records?: { partitionKey: string; data: string }[]) => void,
  ): void;
};

describe("tenant ids", () => {
  const cases: [string, boolean][] = [
    ["acme", true],
    ["a", true],
    ["taxi-replay", true],
    ["0day", true],
    ["a".repeat(MAX_TENANT_ID_LENGTH), true],
    ["a".repeat(MAX_TENANT_ID_LENGTH + 1), false],
    ["", false],
    ["Acme", false],
    ["-acme", false],
    ["acme-", false],
    ["ac|me", false],
    ["ac me", false],
    ["acmé", false],
    ["ac_me", false],
  ];
  for (const [id, valid] of cases) {
    it(`${JSON.stringify(id)} is ${valid ? "" : "not "}a tenant id`, () => expect(isTenantId(id)).to.equal(valid));
  }

  it("leaves a client key room in Kinesis's 256-character partition key, for the longest tenant", () => {
    expect(MAX_CLIENT_KEY_LENGTH).to.equal(223);
    const longest = tenantPartitionKey("t".repeat(MAX_TENANT_ID_LENGTH), "k".repeat(MAX_CLIENT_KEY_LENGTH));
    expect(longest.length).to.equal(STREAM_LIMITS.maxPartitionKeyLength);
  });

  it("refuses to write a key for something that is not a tenant id, naming it", () => {
    expect(() => tenantPartitionKey("Acme", "k")).to.throw(/tenant ids are .* got "Acme"/);
  });
});

describe("the tenant on a record (tenantOf)", () => {
  const cases: [string, string, string][] = [
    // [partition key as stored, its tenant, the client's key]
    ["acme|order-17", "acme", "order-17"],
    ["acme|", "acme", ""],
    // A client key shaped like another tenant's prefix stays the client's key.
    ["beta|acme|x", "beta", "acme|x"],
    [`${ANONYMOUS_TENANT}|k`, ANONYMOUS_TENANT, "k"],
    // Written before tenants existed: no prefix, or something that is not a tenant id before the bar.
    ["0f8fdc1b-3f0d-4f43-a1e7-2c5d3fd0f7b1", UNTENANTED, "0f8fdc1b-3f0d-4f43-a1e7-2c5d3fd0f7b1"],
    ["1-1230768000000-r5-p0", UNTENANTED, "1-1230768000000-r5-p0"],
    ["|x", UNTENANTED, "|x"],
    ["Acme|x", UNTENANTED, "Acme|x"],
    [`${"a".repeat(MAX_TENANT_ID_LENGTH + 1)}|x`, UNTENANTED, `${"a".repeat(MAX_TENANT_ID_LENGTH + 1)}|x`],
    ["", UNTENANTED, ""],
  ];
  for (const [key, tenant, clientKey] of cases) {
    it(`${JSON.stringify(key)}: tenant ${tenant}, client key ${JSON.stringify(clientKey)}`, () => {
      expect(tenantOf(key)).to.equal(tenant);
      expect(clientKeyOf(key)).to.equal(clientKey);
    });
  }

  it("round-trips every tenant and client key ingest writes", () => {
    for (const tenant of ["a", "acme", "taxi-replay", "z".repeat(MAX_TENANT_ID_LENGTH)]) {
      for (const clientKey of ["k", "acme|x", "|", "😀", "k".repeat(MAX_CLIENT_KEY_LENGTH)]) {
        const key = tenantPartitionKey(tenant, clientKey);
        expect([tenantOf(key), clientKeyOf(key)]).to.deep.equal([tenant, clientKey]);
      }
    }
  });

  it("keeps per-key order (one client key of a tenant, one hash) and spreads a tenant over the hash range", () => {
    expect(hashKeyOf(tenantPartitionKey("acme", "device-1"))).to.equal(
      hashKeyOf(tenantPartitionKey("acme", "device-1")),
    );
    // Four equal shards: a tenant's 4,000 keys fall about a quarter in each, as any keys would.
    const quarters = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) quarters[Number(hashKeyOf(tenantPartitionKey("acme", `device-${i}`)) >> 126n)]++;
    for (const n of quarters) expect(n).to.be.within(850, 1150);
  });
});

describe("consumers read the tenant of every record", () => {
  const acme = tenantPartitionKey("acme", "a");
  const beta = tenantPartitionKey("beta", "b");

  it("inside a KPL aggregate, each user record keeps its own key, as awslabs' de-aggregator reads it too", () => {
    const data = aggregate([
      { partitionKey: acme, data: Buffer.from("a1") },
      { partitionKey: beta, data: Buffer.from("b1") },
      { partitionKey: "legacy", data: Buffer.from("l1") },
    ]);
    const records = consumerRecordsOf("shardId-0", { sequenceNumber: "1", partitionKey: acme, data });
    expect(records.map((r) => [r.tenant, r.partitionKey, r.data.toString(), r.subSequenceNumber])).to.deep.equal([
      ["acme", acme, "a1", 0],
      ["beta", beta, "b1", 1],
      [UNTENANTED, "legacy", "l1", 2],
    ]);
    let theirs: { partitionKey: string; data: string }[] = [];
    oracle.deaggregateSync(
      { data: data.toString("base64"), partitionKey: acme, sequenceNumber: "1" },
      true,
      (err, out) => {
        if (err) throw err;
        theirs = out!;
      },
    );
    expect(theirs.map((r) => [tenantOf(r.partitionKey), Buffer.from(r.data, "base64").toString()])).to.deep.equal([
      ["acme", "a1"],
      ["beta", "b1"],
      [UNTENANTED, "l1"],
    ]);
  });

  it("a plain record: its key's tenant, its data untouched", () => {
    const data = Buffer.from([0x03, 0x05, 0x00, 0xff]);
    const [record] = consumerRecordsOf("shardId-0", { sequenceNumber: "9", partitionKey: beta, data });
    expect(record.tenant).to.equal("beta");
    expect(record.data.equals(data)).to.equal(true);
  });

  it("the Lambda consumer hands the processor the same tenants", async () => {
    const seen: ConsumerRecord[] = [];
    const out = await processKinesisBatch(
      [
        {
          eventID: "shardId-0:1",
          kinesis: {
            partitionKey: acme,
            sequenceNumber: "1",
            data: aggregate([
              { partitionKey: acme, data: Buffer.from("a1") },
              { partitionKey: beta, data: Buffer.from("b1") },
            ]).toString("base64"),
          },
        },
        { eventID: "shardId-0:2", kinesis: { partitionKey: "old", sequenceNumber: "2", data: "eA==" } },
      ],
      () => ({
        initialize: () => undefined,
        processRecords: ({ records }) => void seen.push(...records),
        leaseLost: () => undefined,
        shardEnded: () => undefined,
        shutdownRequested: () => undefined,
      }),
      () => undefined,
    );
    expect(out.batchItemFailures).to.deep.equal([]);
    expect(seen.map((r) => r.tenant)).to.deep.equal(["acme", "beta", UNTENANTED]);
  });
});
