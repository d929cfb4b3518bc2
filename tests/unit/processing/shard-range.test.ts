import { expect } from "chai";
import { aggregate } from "../../../runtime/stream/aggregation";
import { hashKeyOf, MAX_HASH_KEY } from "../../../runtime/stream/hash-key";
import { consumerRecordsOf } from "../../../runtime/processing/consumer-records";
import { belongsToShard } from "../../../runtime/processing/shard-range";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";

/** The lower half of the key space: a child shard after a split. */
const LOWER = { start: 0n, end: MAX_HASH_KEY / 2n };
/** Keys on either side of the split. */
const keys = Array.from({ length: 40 }, (_, i) => `tenant|device-${i}`);
const inLower = keys.filter((k) => hashKeyOf(k) <= LOWER.end);
const inUpper = keys.filter((k) => hashKeyOf(k) > LOWER.end);

const record = (over: Partial<ConsumerRecord>): ConsumerRecord => ({
  shardId: "shardId-000000000002",
  tenant: "tenant",
  partitionKey: inUpper[0],
  data: Buffer.from("{}"),
  sequenceNumber: "1",
  ...over,
});

describe("a shard's records: what is outside its hash key range is dropped", () => {
  const cases: [string, ConsumerRecord, boolean][] = [
    [
      "a sub-record of an aggregate inside the range is kept",
      record({ partitionKey: inLower[0], subSequenceNumber: 0 }),
      true,
    ],
    ["a sub-record outside the range is dropped", record({ subSequenceNumber: 3 }), false],
    [
      "an explicit hash key decides over the partition key",
      record({ subSequenceNumber: 1, explicitHashKey: "0" }),
      true,
    ],
    ["a record that was not aggregated is kept (Kinesis routed it)", record({}), true],
    ["a corrupt aggregate is kept whole (its records cannot be routed)", record({ corruptAggregate: "bad MD5" }), true],
  ];
  for (const [name, r, kept] of cases) {
    it(name, () => expect(belongsToShard(r, LOWER)).to.equal(kept));
  }

  it("keeps every record when the range is not known", () => {
    expect(belongsToShard(record({ subSequenceNumber: 3 }), undefined)).to.equal(true);
  });

  it("an aggregate put on the lower child with a stale map: its lower records stay, in order, the others go", () => {
    expect(inLower.length).to.be.greaterThan(5);
    expect(inUpper.length).to.be.greaterThan(5);
    const data = aggregate(keys.map((partitionKey) => ({ partitionKey, data: Buffer.from(partitionKey) })));
    const users = consumerRecordsOf("shardId-000000000002", {
      partitionKey: keys[0],
      data,
      sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
    });
    const kept = users.filter((u) => belongsToShard(u, LOWER));
    expect(kept.map((u) => u.partitionKey)).to.deep.equal(inLower);
    // Their places in the aggregate are kept: the checkpoint's sub-sequence numbers still hold.
    expect(kept.map((u) => u.subSequenceNumber)).to.deep.equal(inLower.map((k) => keys.indexOf(k)));
  });
});
