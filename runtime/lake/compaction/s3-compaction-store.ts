/**
 * The compactor's bucket through S3. Listings are ListObjectsV2 pages (up to 1,000 keys each,
 * followed by their continuation token; with Delimiter "/", the prefixes one level down come
 * as CommonPrefixes: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 * Parts are written as the lake writer writes its objects (../s3-lake-store.ts: If-None-Match,
 * a 412 means the key is taken). The state is replaced with If-Match on the ETag read, or
 * If-None-Match: * for the first; S3 answers 412 when the ETag no longer matches (or the key
 * exists), 409 while another conditional write of the key is in flight, and 404 when an
 * If-Match names a key that is gone: each means another run wrote it, so the run stops
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html; If-Match
 * needs s3:GetObject besides s3:PutObject, which the contract grants on compaction/). Tags
 * replace the object's whole tag set (PutObjectTagging:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html); segment
 * objects carry none of their own.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { PutOutcome } from "../lake-store";
import { S3LakeStore } from "../s3-lake-store";
import { CompactionStore, ReplaceOutcome, TagOutcome, VersionedObject } from "./compaction-store";
import { ListedObject } from "./part-plan";

function status(e: unknown): number | undefined {
  return e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
}

/**
 * S3's answer to a request on a key with no object: 404 with the code NoSuchKey ("The
 * specified key does not exist": https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 * PutObjectTagging's own errors (InvalidTag, MalformedXML, OperationAborted, InternalError:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html) all stay errors.
 */
const OBJECT_GONE = "NoSuchKey";

/** The answers to a conditional replace that mean "not the version read": another run wrote first. */
const REPLACE_REFUSED = new Set([404, 409, 412]);

export class S3CompactionStore implements CompactionStore {
  private readonly objects: S3LakeStore;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {
    this.objects = new S3LakeStore(s3, bucket);
  }

  private async *pages(prefix: string, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(delimiter ? { Delimiter: delimiter } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const page of this.pages(prefix, "/")) {
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
    }
    return out.sort();
  }

  async listObjects(prefix: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    for await (const page of this.pages(prefix)) {
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        out.push({
          key: o.Key,
          size: o.Size ?? 0,
          ...(o.LastModified ? { lastModified: o.LastModified.getTime() } : {}),
        });
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get(key: string): Promise<Buffer | undefined> {
    return this.objects.get(key);
  }

  async getVersioned(key: string): Promise<VersionedObject | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { body: Buffer.from(await out.Body!.transformToByteArray()), etag: out.ETag! };
    } catch (e) {
      if (status(e) === 404) return undefined;
      throw e;
    }
  }

  putIfAbsent(key: string, body: Uint8Array, contentType: string): Promise<PutOutcome> {
    return this.objects.putIfAbsent(key, body, contentType);
  }

  async replaceIf(
    key: string,
    body: Uint8Array,
    contentType: string,
    etag: string | undefined,
  ): Promise<ReplaceOutcome> {
    try {
      const out = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ...(etag === undefined ? { IfNoneMatch: "*" } : { IfMatch: etag }),
        }),
      );
      return { outcome: "written", etag: out.ETag! };
    } catch (e) {
      if (REPLACE_REFUSED.has(status(e) ?? 0)) return { outcome: "conflict" };
      throw e;
    }
  }

  async tag(key: string, tag: { key: string; value: string }): Promise<TagOutcome> {
    try {
      await this.s3.send(
        new PutObjectTaggingCommand({
          Bucket: this.bucket,
          Key: key,
          Tagging: { TagSet: [{ Key: tag.key, Value: tag.value }] },
        }),
      );
      return "tagged";
    } catch (e) {
      // 404 NoSuchKey: the object is gone already; 404 NoSuchBucket (or any other) is an error.
      if (status(e) === 404 && (e as S3ServiceException).name === OBJECT_GONE) return "gone";
      throw e;
    }
  }
}
