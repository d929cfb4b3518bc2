/**
 * The compactor's S3 adapter at the SDK's edge: which requests it sends (every listing page,
 * the state's condition headers, the tag set) and how it reads S3's answers (a refused
 * conditional write is another run's, anything else is an error).
 */
import { expect } from "chai";
import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { S3CompactionStore } from "../../../runtime/lake/compaction/s3-compaction-store";

type Sent = { command: string; input: Record<string, unknown> };

/** A client that records each command and answers from `answer`. */
function client(answer: (sent: Sent) => unknown): { s3: S3Client; sent: Sent[] } {
  const sent: Sent[] = [];
  const s3 = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const s = { command: command.constructor.name, input: command.input };
      sent.push(s);
      const out = answer(s);
      if (out instanceof Error) throw out;
      return out;
    },
  } as unknown as S3Client;
  return { s3, sent };
}

const s3Error = (status: number) =>
  new S3ServiceException({ name: `E${status}`, $fault: "client", $metadata: { httpStatusCode: status } });

describe("lake compactor: the S3 adapter", () => {
  it("follows every listing page, with the delimiter for prefixes and without it for objects", async () => {
    const { s3, sent } = client(({ input }) =>
      input.ContinuationToken === undefined
        ? {
            IsTruncated: true,
            NextContinuationToken: "t1",
            CommonPrefixes: [{ Prefix: "tables/b/" }],
            Contents: [{ Key: "tables/b/x", Size: 2 }],
          }
        : { IsTruncated: false, CommonPrefixes: [{ Prefix: "tables/a/" }], Contents: [{ Key: "tables/a/y", Size: 1 }] },
    );
    const store = new S3CompactionStore(s3, "lake");
    expect(await store.listPrefixes("tables/")).to.deep.equal(["tables/a/", "tables/b/"]);
    expect(sent.map((s) => s.input)).to.deep.equal([
      { Bucket: "lake", Prefix: "tables/", Delimiter: "/" },
      { Bucket: "lake", Prefix: "tables/", Delimiter: "/", ContinuationToken: "t1" },
    ]);
    sent.length = 0;
    expect(await store.listObjects("tables/")).to.deep.equal([
      { key: "tables/a/y", size: 1 },
      { key: "tables/b/x", size: 2 },
    ]);
    expect(sent.map((s) => [s.command, s.input.Delimiter, s.input.ContinuationToken])).to.deep.equal([
      ["ListObjectsV2Command", undefined, undefined],
      ["ListObjectsV2Command", undefined, "t1"],
    ]);
  });

  it("replaces the state with If-Match on the ETag read, or If-None-Match: * for the first", async () => {
    const { s3, sent } = client(() => ({ ETag: '"new"' }));
    const store = new S3CompactionStore(s3, "lake");
    expect(
      await store.replaceIf("compaction/state/state.json", Buffer.from("{}"), "application/json", '"old"'),
    ).to.deep.equal({
      outcome: "written",
      etag: '"new"',
    });
    await store.replaceIf("compaction/state/state.json", Buffer.from("{}"), "application/json", undefined);
    expect(sent.map((s) => [s.command, s.input.IfMatch, s.input.IfNoneMatch])).to.deep.equal([
      ["PutObjectCommand", '"old"', undefined],
      ["PutObjectCommand", undefined, "*"],
    ]);
  });

  for (const status of [404, 409, 412]) {
    it(`a state write answered ${status} is another run's: a conflict`, async () => {
      const store = new S3CompactionStore(client(() => s3Error(status)).s3, "lake");
      expect(await store.replaceIf("k", Buffer.from(""), "application/json", '"e"')).to.deep.equal({
        outcome: "conflict",
      });
    });
  }

  it("any other answer to a state write is an error", async () => {
    const store = new S3CompactionStore(client(() => s3Error(403)).s3, "lake");
    let error: unknown;
    await store.replaceIf("k", Buffer.from(""), "application/json", '"e"').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(S3ServiceException);
  });

  it("tags an object with exactly the one tag", async () => {
    const { s3, sent } = client(() => ({}));
    const outcome = await new S3CompactionStore(s3, "lake").tag("tables/a/y", { key: "lake-compacted", value: "true" });
    expect(outcome).to.equal("tagged");
    expect(sent).to.deep.equal([
      {
        command: "PutObjectTaggingCommand",
        input: { Bucket: "lake", Key: "tables/a/y", Tagging: { TagSet: [{ Key: "lake-compacted", Value: "true" }] } },
      },
    ]);
  });

  it("a tag answered 404 NoSuchKey finds the object gone already: done, no error", async () => {
    const gone = new S3ServiceException({ name: "NoSuchKey", $fault: "client", $metadata: { httpStatusCode: 404 } });
    const store = new S3CompactionStore(client(() => gone).s3, "lake");
    expect(await store.tag("tables/a/y", { key: "lake-compacted", value: "true" })).to.equal("gone");
  });

  for (const [name, status] of [
    ["NoSuchBucket", 404],
    ["AccessDenied", 403],
    ["OperationAborted", 409],
    ["InternalError", 500],
  ] as const) {
    it(`a tag answered ${status} ${name} is an error`, async () => {
      const answer = new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status } });
      let error: unknown;
      await new S3CompactionStore(client(() => answer).s3, "lake")
        .tag("tables/a/y", { key: "lake-compacted", value: "true" })
        .catch((e: unknown) => (error = e));
      expect(error).to.equal(answer);
    });
  }
});
