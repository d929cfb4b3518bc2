import { expect } from "chai";
import { createHash } from "node:crypto";
import { ShardBuffers, Entry } from "../../../runtime/ingest/shard-buffers";
import { routingKeyOf } from "../../../runtime/stream/hash-key";
import { routingWordsInto } from "../../../runtime/stream/routing-key";
import { ShardMap } from "../../../runtime/stream/shard-map";
import { UserRecord } from "../../../runtime/stream/aggregation";

import { kplOracle as oracle } from "../../harness/kpl-oracle";
import { pendingRecord } from "../../harness/pending-records";

/**
 * Golden aggregates: what the shard-aware path (route each record by its hash key, one
 * aggregate per shard: ShardBuffers) puts on the wire for a fixed input, byte for byte.
 * The digests were taken from the code before it was made faster; a faster encoder or
 * router must leave every entry (its shard, partition key, explicit hash key and data)
 * exactly as it was.
 */
function input(n: number): UserRecord[] {
  let x = 7;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: n }, (_, i) => {
    const keyLength = 1 + (next() % 40);
    const partitionKey = `${"k".repeat(keyLength)}-${next() % 5000}${i % 7 === 0 ? "-é€" : ""}`;
    // Mostly small records, now and then a large one, and a few too large to share.
    const size = i % 997 === 0 ? 60_000 : i % 101 === 0 ? 9_000 : 20 + (next() % 300);
    const data = Buffer.alloc(size);
    for (let b = 0; b < size; b++) data[b] = (next() >> 8) & 0xff;
    return {
      partitionKey,
      ...(i % 13 === 0 ? { explicitHashKey: String((BigInt(next()) << 97n) + BigInt(i)) } : {}),
      data,
    };
  });
}

const EVEN_4 = new ShardMap(
  [0n, 1n, 2n, 3n].map((i) => ({
    shardId: `shardId-00000000000${i}`,
    start: i << 126n,
    end: i === 3n ? (1n << 128n) - 1n : ((i + 1n) << 126n) - 1n,
  })),
);
// Uneven ranges, as after splitting one shard: boundaries that are not powers of two.
const UNEVEN_3 = new ShardMap([
  { shardId: "shardId-000000000004", start: 0n, end: 123456789012345678901234567890123456n },
  {
    shardId: "shardId-000000000005",
    start: 123456789012345678901234567890123457n,
    end: 223456789012345678901234567890123456n,
  },
  { shardId: "shardId-000000000006", start: 223456789012345678901234567890123457n, end: (1n << 128n) - 1n },
]);

function run(map: ShardMap, maxSize: number, records: UserRecord[]): Entry[] {
  const buffers = new ShardBuffers({ aggregation: true, aggregationMaxSize: maxSize });
  const entries: Entry[] = [];
  const words = new Uint32Array(4);
  for (const record of records) {
    // As the producer routes: by the record's routing words (the BigInt only when asked for),
    // which the aggregate's key table reuses.
    routingWordsInto(record, words);
    const shard = map.shardForWords(words)!;
    const p = pendingRecord(record);
    entries.push(...buffers.add(p, shard.shardId, words));
  }
  return [...entries, ...buffers.sealAll()];
}

function digest(entries: Entry[]): string {
  const h = createHash("sha256");
  for (const e of entries) {
    h.update(`${e.shardId}|${e.put.partitionKey}|${e.put.explicitHashKey ?? "-"}|${e.records.length}|${e.bytes}|`);
    h.update(e.put.data);
  }
  return h.digest("hex");
}

const GOLDEN: [string, ShardMap, number, { entries: number; sha256: string }][] = [
  [
    "4 even shards, 51,200 B",
    EVEN_4,
    51_200,
    { entries: 47, sha256: "685dddaf411de58d780d1c1d2fd592537f43301361526b3567563e8a72450431" },
  ],
  [
    "4 even shards, 1 MiB",
    EVEN_4,
    1024 * 1024,
    { entries: 4, sha256: "3dea62cb3a7ab93a96aac3b6b5d29d53b5913bf4e577567b7f964a90ddc66177" },
  ],
  [
    "3 uneven shards, 51,200 B",
    UNEVEN_3,
    51_200,
    { entries: 46, sha256: "536c67d426ac2e687654d8641f473f8ae136debb01d1aeeae2c5c4fdc14c1c18" },
  ],
];

describe("shard-aware aggregation: golden bytes", () => {
  const records = input(6000);
  for (const [name, map, max, golden] of GOLDEN) {
    it(`${name}: the same entries, byte for byte`, () => {
      const entries = run(map, max, records);
      expect({ entries: entries.length, sha256: digest(entries) }).to.deep.equal(golden);
    });
  }

  it("every aggregate is read back by awslabs' de-aggregator, in order, each on its records' shard", () => {
    const entries = run(UNEVEN_3, 51_200, records);
    const back: { partitionKey: string; data: string }[] = [];
    for (const e of entries) {
      oracle.deaggregateSync(
        { data: Buffer.from(e.put.data).toString("base64"), partitionKey: e.put.partitionKey, sequenceNumber: "1" },
        true,
        (err, recs) => {
          if (err) throw err;
          back.push(...recs!);
        },
      );
      for (const p of e.records) expect(UNEVEN_3.holds(e.shardId, routingKeyOf(p.record))).to.equal(true);
      expect(UNEVEN_3.holds(e.shardId, BigInt(e.put.explicitHashKey ?? routingKeyOf(e.put).toString()))).to.equal(true);
    }
    expect(back).to.have.length(records.length);
    // Per shard, the records come back in the order they were added.
    const byShard = (rs: { partitionKey: string; data: Buffer }[]) =>
      rs.map((r) => `${r.partitionKey}:${r.data.length}`);
    const sent = entries.flatMap((e) => byShard(e.records.map((p) => p.record)));
    expect(
      byShard(back.map((r) => ({ partitionKey: r.partitionKey, data: Buffer.from(r.data, "base64") }))),
    ).to.deep.equal(sent);
  });
});
