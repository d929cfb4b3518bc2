import { expect } from "chai";
import { hashKeyOf, isHashKey, MAX_HASH_KEY, routingKeyOf } from "../../../runtime/stream/hash-key";
import { evenShardRanges, ShardMap } from "../../../runtime/stream/shard-map";

/** N shards splitting the hash key space evenly, given out of order: the map sorts them. */
function evenShards(n: number): ShardMap {
  return new ShardMap(evenShardRanges(n).reverse());
}

describe("hash keys", () => {
  const table: [string, bigint][] = [
    ["", 0xd41d8cd98f00b204e9800998ecf8427en],
    ["a", 0x0cc175b9c0f1b6a831c399e269772661n],
    ["é", 0x66ddcd97cfdeabb2f6fb8a999b4bc76fn], // printf "\xc3\xa9" | md5sum
  ];
  for (const [key, expected] of table) {
    it(`MD5 of ${JSON.stringify(key)} as a 128-bit unsigned integer`, () => {
      expect(hashKeyOf(key)).to.equal(expected);
    });
  }

  it("routes by the explicit hash key when one is given", () => {
    expect(routingKeyOf({ partitionKey: "a", explicitHashKey: "42" })).to.equal(42n);
    expect(routingKeyOf({ partitionKey: "a" })).to.equal(hashKeyOf("a"));
  });

  const valid: [string, boolean][] = [
    ["0", true],
    [MAX_HASH_KEY.toString(), true],
    [(MAX_HASH_KEY + 1n).toString(), false],
    ["-1", false],
    ["1e5", false],
    ["", false],
  ];
  for (const [text, ok] of valid) {
    it(`${JSON.stringify(text)} is ${ok ? "" : "not "}a hash key`, () => expect(isHashKey(text)).to.equal(ok));
  }
});

describe("ShardMap", () => {
  const map = evenShards(4);

  it("finds the shard whose range holds a key, at both edges of every range", () => {
    for (const s of map.shards) {
      expect(map.shardFor(s.start)?.shardId).to.equal(s.shardId);
      expect(map.shardFor(s.end)?.shardId).to.equal(s.shardId);
    }
    expect(map.shardFor(0n)?.shardId).to.equal("shardId-000000000000");
    expect(map.shardFor(MAX_HASH_KEY)?.shardId).to.equal("shardId-000000000003");
  });

  it("keeps only open shards from ListShards (closed parents have an ending sequence number)", () => {
    const m = ShardMap.fromListShards([
      {
        ShardId: "parent",
        HashKeyRange: { StartingHashKey: "0", EndingHashKey: MAX_HASH_KEY.toString() },
        SequenceNumberRange: { StartingSequenceNumber: "1", EndingSequenceNumber: "9" },
      },
      {
        ShardId: "low",
        ParentShardId: "parent",
        HashKeyRange: { StartingHashKey: "0", EndingHashKey: "99" },
        SequenceNumberRange: { StartingSequenceNumber: "10" },
      },
      {
        ShardId: "high",
        ParentShardId: "parent",
        HashKeyRange: { StartingHashKey: "100", EndingHashKey: MAX_HASH_KEY.toString() },
        SequenceNumberRange: { StartingSequenceNumber: "11" },
      },
    ]);
    expect(m.shards.map((s) => s.shardId)).to.deep.equal(["low", "high"]);
    expect(m.shardFor(99n)?.shardId).to.equal("low");
    expect(m.holds("high", 100n)).to.equal(true);
    expect(m.holds("parent", 5n)).to.equal(false);
  });

  it("answers undefined for a key in a gap, so the caller refreshes instead of guessing", () => {
    const gappy = new ShardMap([
      { shardId: "a", start: 0n, end: 10n },
      { shardId: "b", start: 20n, end: MAX_HASH_KEY },
    ]);
    expect(gappy.shardFor(15n)).to.equal(undefined);
  });
});
