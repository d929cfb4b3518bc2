import { expect } from "chai";
import { delimitedListing, putPrecondition } from "../../../runtime/local/s3-server";

describe("local S3 server: conditional PUTs as S3 answers them", () => {
  const ETAG = '"9b2cf535f27731c974343645a3985328"';
  const cases: [string, { ifNoneMatch?: string; ifMatch?: string }, string | undefined, unknown][] = [
    ["If-None-Match * on a free key stores", { ifNoneMatch: "*" }, undefined, undefined],
    [
      "If-None-Match * on a taken key: 412",
      { ifNoneMatch: "*" },
      ETAG,
      { status: 412, code: "PreconditionFailed", condition: "If-None-Match" },
    ],
    ["If-Match on the current ETag stores", { ifMatch: ETAG }, ETAG, undefined],
    ["If-Match compares without quotes", { ifMatch: ETAG.replace(/"/g, "") }, ETAG, undefined],
    [
      "If-Match on another ETag: 412",
      { ifMatch: '"0"' },
      ETAG,
      { status: 412, code: "PreconditionFailed", condition: "If-Match" },
    ],
    ["If-Match on a missing key: 404", { ifMatch: ETAG }, undefined, { status: 404, code: "NoSuchKey" }],
  ];
  for (const [name, headers, current, want] of cases) {
    it(name, () => expect(putPrecondition(headers, current)).to.deep.equal(want));
  }
});

describe("local S3 server: listings with a delimiter", () => {
  const keys = [
    "progress/shardId-000000000000.json",
    "tables/order/tenant=acme/date=2026-12-07/hour=09/a-v1.parquet",
    "tables/order/tenant=beta/date=2026-12-07/hour=09/a-v1.parquet",
    "tables/records/tenant=acme/date=2026-12-07/hour=10/a.parquet",
    "tables/top.parquet",
  ];
  const list = delimitedListing(async (_bucket, options) => {
    expect(options.delimiter, "the store is asked for the whole listing").to.equal(undefined);
    const prefix = options.prefix ?? "";
    return {
      objects: keys.filter((k) => k.startsWith(prefix)).map((key) => ({ key })),
      commonPrefixes: [],
      isTruncated: false,
    };
  });
  const cases: [string, string, string[], string[]][] = [
    ["the tables, however deep their objects", "tables/", ["tables/top.parquet"], ["tables/order/", "tables/records/"]],
    ["a table's tenants", "tables/order/", [], ["tables/order/tenant=acme/", "tables/order/tenant=beta/"]],
    ["the bucket's top level", "", [], ["progress/", "tables/"]],
  ];
  for (const [name, prefix, objects, prefixes] of cases) {
    it(name, async () => {
      const got = await list("b", { prefix, delimiter: "/" });
      expect([got.objects.map((o) => o.key), got.commonPrefixes]).to.deep.equal([objects, prefixes]);
    });
  }
  it("without a delimiter, the store's own listing", async () => {
    const plain = delimitedListing(async () => ({
      objects: [{ key: "x/y/z" }],
      commonPrefixes: ["kept/"],
      isTruncated: false,
    }));
    expect((await plain("b", {})).commonPrefixes).to.deep.equal(["kept/"]);
  });
});
