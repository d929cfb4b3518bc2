/**
 * The local S3 server: s3rver (npm) with the lake's bucket, reached with path-style requests.
 * s3rver 3.7 ignores `If-None-Match` on PutObject (it honours it on GetObject only:
 * lib/controllers/object.js), and the lake's exactly-once rests on it (runtime/lake/EXACTLY-ONCE.md),
 * so a small middleware in front of its routes gives PutObject S3's conditional-write answers:
 * with `If-None-Match: *`, 412 PreconditionFailed when the key exists; with `If-Match: <etag>`
 * (the lake compactor's state: runtime/lake/compaction/), 412 when the object's ETag is another
 * and 404 NoSuchKey when there is no object
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html). Writes of
 * one key are serialized through it, so of two concurrent conditional writes exactly one
 * stores. s3rver serves object tagging (PUT and GET `?tagging`) itself. Its listing with a
 * delimiter misses every key two levels or more below the prefix (its file walk stops at the
 * first directory under a common prefix), so the prefixes one level down are worked out here
 * from the whole listing (delimitedListing), as S3 gives them.
 */
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";

export interface LocalS3 {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

interface KoaContext {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
  store: {
    existsObject(bucket: string, key: string): Promise<boolean>;
    /** Throws when there is no object; its `etag` is quoted, as S3 sends it. */
    getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
  };
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

function refuse(ctx: KoaContext, status: 412 | 404, code: string, message: string, condition?: string): void {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
    `${condition ? `<Condition>${condition}</Condition>` : ""}</Error>`;
}

/** An ETag as S3 compares it: without its quotes. */
const bareEtag = (etag: string) => etag.replace(/"/g, "");

/**
 * Why a conditional PUT of an object is refused (undefined: it may go ahead), from the
 * object's ETag now (undefined: there is none).
 */
export function putPrecondition(
  headers: { ifNoneMatch?: string; ifMatch?: string },
  current: string | undefined,
): { status: 412 | 404; code: string; condition?: string } | undefined {
  if (headers.ifNoneMatch === "*" && current !== undefined) {
    return { status: 412, code: "PreconditionFailed", condition: "If-None-Match" };
  }
  if (headers.ifMatch !== undefined) {
    if (current === undefined) return { status: 404, code: "NoSuchKey" };
    if (bareEtag(headers.ifMatch) !== bareEtag(current)) {
      return { status: 412, code: "PreconditionFailed", condition: "If-Match" };
    }
  }
  return undefined;
}

const header = (ctx: KoaContext, name: string): string | undefined => {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Serializes conditional writes per key and refuses one whose condition does not hold. */
export function conditionalPut(): Middleware {
  const busy = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    // s3rver knows one key pair of its own; the local stack signs with LOCAL_CREDENTIALS. It
    // serves unsigned requests, and nothing local is secret: drop the signature.
    delete ctx.headers.authorization;
    const ifNoneMatch = header(ctx, "if-none-match");
    const ifMatch = header(ctx, "if-match");
    const conditional = ctx.method === "PUT" && (ifNoneMatch === "*" || ifMatch !== undefined);
    const m = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (!conditional || !m || ctx.headers["x-amz-copy-source"]) return next();
    const [, bucket, encodedKey] = m;
    const key = decodeURIComponent(encodedKey);
    const id = `${bucket}/${key}`;
    while (busy.has(id)) await busy.get(id);
    let done!: () => void;
    busy.set(id, new Promise<void>((r) => (done = r)));
    try {
      const current = (await ctx.store.existsObject(bucket, key))
        ? (await ctx.store.getMetadata(bucket, key)).etag
        : undefined;
      const refused = putPrecondition({ ifNoneMatch, ifMatch }, current);
      if (refused) {
        const message =
          refused.status === 404
            ? "The specified key does not exist."
            : "At least one of the pre-conditions you specified did not hold";
        refuse(ctx, refused.status, refused.code, message, refused.condition);
        return;
      }
      await next();
    } finally {
      busy.delete(id);
      done();
    }
  };
}

interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
  [option: string]: unknown;
}
interface Listing<O extends { key: string }> {
  objects: O[];
  commonPrefixes: string[];
  isTruncated: boolean;
}
type ListObjects<O extends { key: string }> = (bucket: string, options: ListOptions) => Promise<Listing<O>>;

/**
 * A store's listing with S3's answer to a delimiter: keys with the delimiter after the prefix
 * are rolled up into their common prefix (up to and including the delimiter), the others listed.
 */
export function delimitedListing<O extends { key: string }>(list: ListObjects<O>): ListObjects<O> {
  return async (bucket, options) => {
    const { delimiter, prefix = "", maxKeys = Infinity } = options;
    if (!delimiter) return list(bucket, options);
    const all = await list(bucket, { ...options, delimiter: undefined, maxKeys: Infinity });
    const commonPrefixes = new Set<string>();
    const objects: O[] = [];
    for (const object of all.objects) {
      const at = object.key.indexOf(delimiter, prefix.length);
      if (at >= 0) commonPrefixes.add(object.key.slice(0, at + delimiter.length));
      else objects.push(object);
    }
    return {
      objects: objects.slice(0, maxKeys),
      commonPrefixes: [...commonPrefixes].sort(),
      isTruncated: objects.length > maxKeys,
    };
  };
}

export async function startLocalS3(options: { directory: string; buckets: string[]; port?: number }): Promise<LocalS3> {
  mkdirSync(options.directory, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require("s3rver");
  const server = new S3rver({
    port: options.port ?? 0,
    address: "127.0.0.1",
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  server.store.listObjects = delimitedListing(server.store.listObjects.bind(server.store));
  // Koa composes its middleware when the server starts: first in the list runs first.
  server.middleware.unshift(conditionalPut());
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    stop: () => server.close(),
  };
}
