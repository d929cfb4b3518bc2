/**
 * The lake's bucket through S3: PutObject with `If-None-Match: *` (S3 answers 412
 * PreconditionFailed when the key exists, and 409 ConditionalRequestConflict while another
 * conditional write of the key is in flight, to be retried:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html), a plain
 * PutObject (the last write of a key wins), GetObject.
 * Objects are encrypted by the bucket's default KMS key (infra/lake).
 */
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { LakeStore, PutOutcome } from "./lake-store";

/** Tries of a write that meets another in-flight conditional write of its key. */
export const CONFLICT_ATTEMPTS = 5;
const CONFLICT_BACKOFF_MS = 200;

function status(e: unknown): number | undefined {
  return e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
}

export class S3LakeStore implements LakeStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async putIfAbsent(key: string, body: Uint8Array, contentType: string): Promise<PutOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            IfNoneMatch: "*",
          }),
        );
        return "written";
      } catch (e) {
        if (status(e) === 412) return "exists";
        if (status(e) !== 409 || attempt >= CONFLICT_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, CONFLICT_BACKOFF_MS * attempt));
      }
    }
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (e) {
      if (status(e) === 404) return undefined;
      throw e;
    }
  }
}
