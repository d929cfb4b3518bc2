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

// awslabs' own Node module for the KPL format: an independent oracle for our codec. Its
// typings pull in aws-sdk v2, so it is loaded untyped.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const oracle = require("aws-kinesis-agg") as {
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    checksums: boolean,
    done: (
      err: Error | null,
      records?: { partitionKey: string; explicitPartitionKey?: string; data: string }[],
    ) => void,
  ): void;
  aggregate(
    records: { partitionKey: string; data: Buffer; explicitHashKey?: string }[],
    onEncoded: (encoded: { partitionKey: string; data: Buffer }, done: () => void) => void,
    afterAll: () => void,
    onError: (err: Error) => void,
  ): void;
};

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
