import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import {
  aggregate,
  AggregateBuilder,
  AggregationError,
  deaggregate,
  isAggregate,
  KPL_MAGIC,
  UserRecord,
} from "../../../runtime/stream/aggregation";

import { kplOracle as oracle } from "../../harness/kpl-oracle";

/** A deterministic pseudo-random source so a failure is reproducible. */
function records(n: number, seed = 1): UserRecord[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: n }, (_, i) => ({
    partitionKey: `key-${next() % 37}-${"é".repeat(next() % 3)}`,
    ...(i % 5 === 0 ? { explicitHashKey: String(BigInt(next()) * 2n ** 90n) } : {}),
    data: Buffer.from(
      createHash("sha256")
        .update(String(next()))
        .digest("hex")
        .repeat(1 + (next() % 20)),
    ),
  }));
}

describe("KPL aggregation format", () => {
  it("round-trips records, partition keys and explicit hash keys", () => {
    const input = records(300);
    const data = aggregate(input);
    expect(data.subarray(0, 4).equals(KPL_MAGIC)).to.equal(true);
    expect(deaggregate({ partitionKey: "outer", data })).to.deep.equal(input);
  });

  it("knows the exact encoded size before each record is added", () => {
    const builder = new AggregateBuilder();
    for (const r of records(500, 7)) {
      const predicted = builder.sizeWith(r);
      builder.add(r);
      expect(builder.size).to.equal(predicted);
    }
    expect(builder.encode().length).to.equal(builder.size);
  });

  it("encodes after a reset exactly as a new builder does", () => {
    const builder = new AggregateBuilder();
    for (const r of records(400, 11)) builder.add(r);
    builder.encode();
    builder.reset();
    const next = records(300, 13);
    for (const r of next) builder.add(r);
    expect(builder.count).to.equal(next.length);
    expect(builder.encode().equals(aggregate(next))).to.equal(true);
  });

  it("is read by awslabs' aws-kinesis-agg, checksum verified", () => {
    const input = records(120, 3);
    const data = aggregate(input);
    let out: { partitionKey: string; data: string }[] | undefined;
    oracle.deaggregateSync(
      { data: data.toString("base64"), partitionKey: "outer", sequenceNumber: "1" },
      true,
      (err, recs) => {
        if (err) throw err;
        out = recs;
      },
    );
    expect(out!.map((r) => r.partitionKey)).to.deep.equal(input.map((r) => r.partitionKey));
    expect(out!.map((r) => Buffer.from(r.data, "base64").toString())).to.deep.equal(
      input.map((r) => r.data.toString()),
    );
  });

  it("reads aggregates written by awslabs' aws-kinesis-agg", (done) => {
    const input = records(50, 5).map(({ partitionKey, data }) => ({ partitionKey, data }));
    const encoded: Buffer[] = [];
    oracle.aggregate(
      input,
      (e, cb) => {
        encoded.push(e.data);
        cb();
      },
      () => {
        try {
          const out = encoded.flatMap((data) => deaggregate({ partitionKey: "outer", data }));
          expect(out).to.deep.equal(input);
          done();
        } catch (e) {
          done(e);
        }
      },
      done,
    );
  });

  it("passes a plain record through untouched", () => {
    const data = Buffer.from('{"data":"plain"}');
    expect(isAggregate(data)).to.equal(false);
    expect(deaggregate({ partitionKey: "k", explicitHashKey: "5", data })).to.deep.equal([
      { partitionKey: "k", explicitHashKey: "5", data },
    ]);
  });

  it("refuses an aggregate whose MD5 does not match, rather than reading it as plain", () => {
    const data = aggregate(records(3));
    data[10] ^= 0xff;
    expect(() => deaggregate({ partitionKey: "k", data })).to.throw(AggregationError, "bad MD5");
  });

  it("refuses a protobuf that is not an AggregatedRecord", () => {
    const body = randomBytes(40);
    body[0] = 0xff; // an invalid wire type
    const data = Buffer.concat([KPL_MAGIC, body, createHash("md5").update(body).digest()]);
    expect(() => deaggregate({ partitionKey: "k", data })).to.throw(AggregationError);
  });
});

describe("KPL aggregation format: the direct encoder writes protobufjs's bytes", () => {
  // The reference: the AggregatedRecord message encoded by protobufjs itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const protobuf = require("protobufjs") as typeof import("protobufjs");
  const type = protobuf
    .parse(
      `syntax = "proto2";
      message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2; repeated Record records = 3; }
      message Tag { required string key = 1; optional string value = 2; }
      message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2; required bytes data = 3; repeated Tag tags = 4; }`,
    )
    .root.lookupType("AggregatedRecord");
  function reference(input: UserRecord[]): Buffer {
    const pks: string[] = [];
    const ehks: string[] = [];
    const index = (table: string[], key: string) => (table.includes(key) ? table.indexOf(key) : table.push(key) - 1);
    const recs = input.map((r) => ({
      partitionKeyIndex: index(pks, r.partitionKey),
      ...(r.explicitHashKey !== undefined ? { explicitHashKeyIndex: index(ehks, r.explicitHashKey) } : {}),
      data: r.data,
    }));
    const body = Buffer.from(
      type.encode(type.fromObject({ partitionKeyTable: pks, explicitHashKeyTable: ehks, records: recs })).finish(),
    );
    return Buffer.concat([KPL_MAGIC, body, createHash("md5").update(body).digest()]);
  }

  it("for ASCII, non-ASCII, long and lone-surrogate keys, repeated keys and explicit hash keys", () => {
    const keys = [
      "plain",
      "é€ short",
      "é€ long ".repeat(8),
      "\ud800 lone, short",
      `\udc00 lone, long ${"x".repeat(50)}`,
      "k".repeat(200),
      "plain",
    ];
    const input: UserRecord[] = keys.map((partitionKey, i) => ({
      partitionKey,
      ...(i % 2 ? { explicitHashKey: String(BigInt(i) << 100n) } : {}),
      data: randomBytes(i * 70),
    }));
    // Enough records for 2-byte indexes and lengths.
    for (let i = 0; i < 300; i++) input.push({ partitionKey: `p${i % 150}`, data: randomBytes(i) });
    const ours = aggregate(input);
    expect(ours.equals(reference(input))).to.equal(true);
    expect(deaggregate({ partitionKey: "outer", data: ours }).map((r) => r.data)).to.deep.equal(
      input.map((r) => r.data),
    );
  });
});
