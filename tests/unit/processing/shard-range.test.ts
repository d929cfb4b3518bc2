import { expect } from "chai";
import { aggregate } from "../../../runtime/stream/aggregation";
import { hashKeyOf, MAX_HASH_KEY } from "../../../runtime/stream/hash-key";
import { consumerRecordsOf } from "../../../runtime/processing/consumer-records";
import { keptByShard, wordRange } from "../../../runtime/processing/shard-range";
import { ConsumerRecord } from "../../../runtime/processing/record-processor";

/** The lower half of the key space: a child shard after a split. */
const LOWER = wordRange({ start: 0n, end: MAX_HASH_KEY / 2n });
const LOWER_END = MAX_HASH_KEY / 2n;
/** Keys on either side of the split. */
const keys = Array.from({ length: 40 }, (_, i) => `tenant|device-${i}`);
const inLower = keys.filter((k) => hashKeyOf(k) <= LOWER_END);
const inUpper = keys.filter((k) => hashKeyOf(k) > LOWER_END);
const SHARD = "shardId-000000000002";
const SEQUENCE = "49590338271490256608559692538361571095921575989136588898";

/** One Kinesis record as the consumer reads it: an aggregate of these keys. */
const read = (partitionKeys: string[]): ConsumerRecord[] =>
  consumerRecordsOf(SHARD, {
    partitionKey: partitionKeys[0],
    data: aggregate(partitionKeys.map((partitionKey) => ({ partitionKey, data: Buffer.from(partitionKey) }))),
    sequenceNumber: SEQUENCE,
  });

const one = (over: Partial<ConsumerRecord>): ConsumerRecord[] => [
  { shardId: SHARD, tenant: "tenant", partitionKey: inUpper[0], data: Buffer.from("{}"), sequenceNumber: "1", ...over },
];

describe("a shard's records: an aggregate with a record outside its hash key range is dropped whole", () => {
  it("has keys on both sides of the split", () => {
    expect(inLower.length).to.be.greaterThan(5);
    expect(inUpper.length).to.be.greaterThan(5);
  });

  const cases: [string, () => ConsumerRecord[], number][] = [
    ["an aggregate inside the range is kept whole", () => read(inLower), inLower.length],
    ["an aggregate with one record outside is dropped whole, as the KCL does", () => read([...inLower, inUpper[0]]), 0],
    ["an aggregate wholly outside is dropped", () => read(inUpper), 0],
    [
      "an explicit hash key decides over the partition key",
      () => one({ subSequenceNumber: 1, explicitHashKey: "0" }),
      1,
    ],
    ["a record that was not aggregated is kept (Kinesis routed it)", () => one({}), 1],
    ["a corrupt aggregate is kept (its records cannot be routed)", () => one({ corruptAggregate: "bad MD5" }), 1],
  ];
  for (const [name, records, kept] of cases) {
    it(name, () => expect(keptByShard(records(), LOWER)).to.have.lengthOf(kept));
  }

  it("keeps every record when the range is not known", () => {
    expect(keptByShard(read(keys), undefined)).to.have.lengthOf(keys.length);
  });
});
