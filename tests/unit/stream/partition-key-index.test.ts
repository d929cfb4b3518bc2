import { expect } from "chai";
import { PartitionKeyIndex } from "../../../runtime/stream/partition-key-index";
import { partitionKeyWordsInto } from "../../../runtime/stream/routing-key";

function hashOf(key: string): number {
  const md5 = new Uint32Array(4);
  partitionKeyWordsInto(key, md5);
  return PartitionKeyIndex.hashOf(md5);
}

describe("PartitionKeyIndex", () => {
  it("gives each distinct key the next index and finds it again, across growth", () => {
    const index = new PartitionKeyIndex();
    const keys = Array.from({ length: 3000 }, (_, i) => `tenant-${i % 1000}-${i}`);
    keys.forEach((key, i) => {
      expect(index.indexOf(key, hashOf(key))).to.equal(-1);
      expect(index.add(key, hashOf(key))).to.equal(i);
    });
    expect(index.size).to.equal(keys.length);
    // Equal text in another string object is the same key.
    keys.forEach((key, i) => expect(index.indexOf(`${key}`.split("").join(""), hashOf(key))).to.equal(i));
    expect(index.indexOf("tenant-absent", hashOf("tenant-absent"))).to.equal(-1);
  });

  it("tells keys apart by their text when their hashes agree", () => {
    const index = new PartitionKeyIndex();
    // Every key under one hash: each lookup must compare the strings, not trust the hash.
    const keys = ["a", "b", "é", "a-longer-key", "b-longer-key"];
    for (const key of keys) expect(index.add(key, 42)).to.equal(keys.indexOf(key));
    for (const [i, key] of keys.entries()) expect(index.indexOf(key, 42)).to.equal(i);
    expect(index.indexOf("c", 42)).to.equal(-1);
    expect(index.indexOf("a", 43)).to.equal(-1);
  });
});
