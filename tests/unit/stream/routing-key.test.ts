import { expect } from "chai";
import { hash, randomBytes, randomUUID } from "node:crypto";
import { hashKeyOf, routingKey, routingKeyOf } from "../../../runtime/stream/hash-key";
import { RoutingKey } from "../../../runtime/stream/routing-key";
import { ShardMap } from "../../../runtime/stream/shard-map";

const md5 = (text: string) => BigInt(`0x${hash("md5", text, "hex")}`);

describe("routing key", () => {
  it("is node:crypto's MD5 of the partition key for every length around one MD5 block, ASCII or not", () => {
    const keys = [
      "",
      "a",
      "key-1",
      ...Array.from({ length: 64 }, (_, n) => "x".repeat(n)), // 55 is the last one-block length
      ...Array.from({ length: 500 }, () => randomUUID()),
      ...Array.from({ length: 200 }, () => randomBytes(1 + (randomBytes(1)[0] % 60)).toString("latin1")),
      "é",
      "tenant-€-42",
      "\ud800 lone surrogate",
      "😀".repeat(20),
    ];
    for (const key of keys) {
      const k = RoutingKey.ofPartitionKey(key);
      expect(k.value, JSON.stringify(key)).to.equal(md5(key));
      expect(k.toString()).to.equal(md5(key).toString());
      expect(routingKey({ partitionKey: key }).value).to.equal(hashKeyOf(key));
    }
  });

  it("an explicit hash key routes as itself, whatever the partition key", () => {
    for (const ehk of ["0", "42", String((1n << 128n) - 1n), "170141183460469231731687303715884105728"]) {
      const k = routingKey({ partitionKey: "ignored", explicitHashKey: ehk });
      expect(k.value).to.equal(BigInt(ehk));
      expect(k.value).to.equal(routingKeyOf({ partitionKey: "ignored", explicitHashKey: ehk }));
      expect(RoutingKey.fromBigInt(BigInt(ehk)).toString()).to.equal(ehk);
    }
  });

  it("finds the same shard by words as by BigInt, at every range's edges", () => {
    const map = new ShardMap([
      { shardId: "a", start: 0n, end: 123456789012345678901234567890123456n },
      { shardId: "b", start: 123456789012345678901234567890123457n, end: 223456789012345678901234567890123456n },
      // a gap, as while resharding
      { shardId: "c", start: 223456789012345678901234567890123500n, end: (1n << 128n) - 1n },
    ]);
    const probes = map.shards.flatMap((s) => [s.start - 1n, s.start, s.start + 1n, s.end - 1n, s.end, s.end + 1n]);
    probes.push(223456789012345678901234567890123480n);
    for (const value of probes.filter((v) => v >= 0n && v < 1n << 128n)) {
      const byWords = map.shardFor(RoutingKey.fromBigInt(value));
      expect(byWords?.shardId, String(value)).to.equal(map.shardFor(value)?.shardId);
      expect(map.holds("b", RoutingKey.fromBigInt(value))).to.equal(map.holds("b", value));
    }
    for (let i = 0; i < 1000; i++) {
      const key = randomUUID();
      expect(map.shardFor(routingKey({ partitionKey: key }))?.shardId).to.equal(map.shardFor(hashKeyOf(key))?.shardId);
    }
  });
});

describe("routing a record by its words (the producer's per-record path)", () => {
  it("finds the shard the BigInt routing finds, for partition keys and explicit hash keys", () => {
    const map = new ShardMap([
      { shardId: "a", start: 0n, end: 123456789012345678901234567890123456n },
      { shardId: "b", start: 123456789012345678901234567890123457n, end: (1n << 127n) - 1n },
      { shardId: "c", start: 1n << 127n, end: (1n << 128n) - 1n },
    ]);
    const records = [
      ...Array.from({ length: 2000 }, () => ({ partitionKey: randomUUID() })),
      { partitionKey: "é non-ASCII" },
      { partitionKey: "long ".repeat(20) },
      { partitionKey: "x", explicitHashKey: "123456789012345678901234567890123456" },
      { partitionKey: "x", explicitHashKey: "123456789012345678901234567890123457" },
      { partitionKey: "x", explicitHashKey: String(1n << 127n) },
    ];
    for (const r of records) {
      expect(map.shardForRecord(r)?.shardId, JSON.stringify(r)).to.equal(map.shardFor(routingKeyOf(r))?.shardId);
    }
  });
});
