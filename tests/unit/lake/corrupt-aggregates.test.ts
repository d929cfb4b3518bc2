/**
 * A Kinesis record with the KPL magic whose MD5 or protobuf does not check out, from its
 * bytes to what the lake makes of it: one dead letter with its reason, at the record's own
 * place, the same on every read; never an error that would hold the shard, never nothing.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { consumerRecordsOf, KinesisRecordIn } from "../../../runtime/processing/consumer-records";
import { CORRUPT_AGGREGATE_REASON, lakeItemOf, LakeItem, SchemaLookup } from "../../../runtime/lake/lake-rows";
import { aggregate, KPL_MAGIC } from "../../../runtime/stream/aggregation";
import { MIXED_TENANTS } from "../../../runtime/stream/tenant-key";

const SHARD = "shardId-000000000003";
const ARRIVAL = new Date("2026-12-07T22:59:59.999Z");
const noSchemas: SchemaLookup = async () => undefined;

/** Magic, body, and the body's MD5: an aggregate whose checksum holds, whatever the body is. */
function withMagic(body: Buffer): Buffer {
  return Buffer.concat([KPL_MAGIC, body, createHash("md5").update(body).digest()]);
}

const valid = aggregate([
  { partitionKey: "acme|k1", data: Buffer.from('{"n":1}') },
  { partitionKey: "beta|k2", data: Buffer.from('{"n":2}') },
]);
const badMd5 = Buffer.from(valid);
badMd5[badMd5.length - 1] ^= 0xff;
/** partition_key_table ["acme|k"], one record whose partition_key_index is 5 (protobuf by hand). */
const pastKeyTable = withMagic(
  Buffer.concat([Buffer.from([0x0a, 6]), Buffer.from("acme|k"), Buffer.from([0x1a, 5, 0x08, 5, 0x1a, 1, 0x78])]),
);

const cases: { name: string; data: Buffer; reason: string | RegExp }[] = [
  {
    name: "a valid aggregate with one MD5 byte flipped",
    data: badMd5,
    reason: "aggregated record has a bad MD5 checksum",
  },
  {
    name: "the magic and text, no MD5",
    data: Buffer.concat([KPL_MAGIC, Buffer.from("not a protobuf at all, and no MD5")]),
    reason: "aggregated record has a bad MD5 checksum",
  },
  {
    name: "a right MD5 over bytes that are no protobuf",
    data: withMagic(Buffer.from([0xff, 0xff, 0xff, 0xff])),
    reason: /^aggregated record is not a valid AggregatedRecord: /,
  },
  {
    name: "a sub-record pointing past the partition key table",
    data: pastKeyTable,
    reason: "sub-record points past the partition key table",
  },
];

function kinesisRecord(data: Buffer): KinesisRecordIn {
  return {
    sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
    partitionKey: "gamma|first",
    data,
    approximateArrivalTimestamp: ARRIVAL,
  };
}

async function lakeItemsOf(data: Buffer): Promise<LakeItem[]> {
  const records = consumerRecordsOf(SHARD, kinesisRecord(data), "hand-on");
  return Promise.all(records.map((r) => lakeItemOf(r, noSchemas)));
}

describe("lake: a corrupt KPL aggregate is one dead letter", () => {
  for (const c of cases) {
    it(`${c.name}: one dead letter with its reason, its bytes whole, at its own place`, async () => {
      const items = await lakeItemsOf(c.data);
      expect(items).to.have.lengthOf(1);
      const [item] = items;
      if (item.kind !== "dead") expect.fail(`a ${item.kind}, not a dead letter`);
      const prefix = `${CORRUPT_AGGREGATE_REASON}: `;
      expect(item.letter.reason.startsWith(prefix), item.letter.reason).to.equal(true);
      const why = item.letter.reason.slice(prefix.length);
      if (typeof c.reason === "string") expect(why).to.equal(c.reason);
      else expect(why).to.match(c.reason);
      expect(Buffer.from(item.letter.data, "base64").equals(c.data)).to.equal(true);
      // Not the tenant of its own key: its bytes may hold other tenants' records.
      expect(item.tenant).to.equal(MIXED_TENANTS);
      expect(item.position).to.deep.equal({
        sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
        subSequenceNumber: 0,
      });
      expect(item.time).to.deep.equal({ date: "2026-12-07", hour: "22" });
      expect(item.letter).to.deep.include({ shardId: SHARD, partitionKey: "gamma|first", subSequenceNumber: 0 });
    });

    it(`${c.name}: every read decides the same`, async () => {
      const reads = await Promise.all([lakeItemsOf(c.data), lakeItemsOf(Buffer.from(c.data))]);
      expect(reads[1]).to.deep.equal(reads[0]);
    });
  }

  it("a valid aggregate is its records, each a row of its own tenant", async () => {
    const items = await lakeItemsOf(valid);
    expect(items.map((i) => [i.kind, i.tenant, i.position.subSequenceNumber])).to.deep.equal([
      ["row", "acme", 0],
      ["row", "beta", 1],
    ]);
  });

  it("the magic with too few bytes for an aggregate is a plain record (as the KCL reads it)", async () => {
    const items = await lakeItemsOf(Buffer.concat([KPL_MAGIC, Buffer.from("short")]));
    expect(items).to.have.lengthOf(1);
    if (items[0].kind !== "dead") expect.fail("not a dead letter");
    expect(items[0].letter.reason).to.equal("data is not JSON and names no schema");
  });

  it("the processing service's conversion still throws, so its own dead letters keep them", () => {
    expect(() => consumerRecordsOf(SHARD, kinesisRecord(badMd5))).to.throw("bad MD5");
  });
});
