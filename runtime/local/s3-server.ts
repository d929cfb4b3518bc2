/**
 * The local S3 server: s3rver (npm) with the lake's bucket, reached with path-style requests.
 * s3rver 3.7 ignores `If-None-Match` on PutObject (it honours it on GetObject only:
 * lib/controllers/object.js), and the lake's exactly-once rests on it (runtime/lake/EXACTLY-ONCE.md),
 * so a small middleware in front of its routes gives PutObject S3's conditional-write answer:
 * 412 PreconditionFailed when the key exists. Writes of one key are serialized through it,
 * so of two concurrent conditional writes exactly one stores.
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
  store: { existsObject(bucket: string, key: string): Promise<boolean> };
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** Serializes conditional writes per key and refuses one whose key exists. */
export function conditionalPut(): Middleware {
  const busy = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    // s3rver knows one key pair of its own; the local stack signs with LOCAL_CREDENTIALS. It
    // serves unsigned requests, and nothing local is secret: drop the signature.
    delete ctx.headers.authorization;
    const conditional = ctx.method === "PUT" && ctx.headers["if-none-match"] === "*";
    const m = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (!conditional || !m || ctx.headers["x-amz-copy-source"]) return next();
    const [, bucket, encodedKey] = m;
    const key = decodeURIComponent(encodedKey);
    const id = `${bucket}/${key}`;
    while (busy.has(id)) await busy.get(id);
    let done!: () => void;
    busy.set(id, new Promise<void>((r) => (done = r)));
    try {
      if (await ctx.store.existsObject(bucket, key)) {
        ctx.status = 412;
        ctx.type = "application/xml";
        ctx.body =
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
          "<Message>At least one of the pre-conditions you specified did not hold</Message>" +
          "<Condition>If-None-Match</Condition></Error>";
        return;
      }
      await next();
    } finally {
      busy.delete(id);
      done();
    }
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
  // Koa composes its middleware when the server starts: first in the list runs first.
  server.middleware.unshift(conditionalPut());
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    stop: () => server.close(),
  };
}
