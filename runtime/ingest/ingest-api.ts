/**
 * The ingest HTTP API (fastify): `POST /`, `POST /batch`, `GET /healthcheck`. In `durable`
 * ack mode a request is answered once its records are stored in Kinesis; in `buffered`
 * mode at once with 202 (faster, but a record can still fail after the client was told
 * it was accepted: it is then logged and counted, never silently dropped).
 *
 * With tenants (`auth` set), every POST is authenticated before its body is read
 * (tenant-auth.ts), its records are written under the caller's tenant, and each tenant's
 * records/s and bytes/s are limited (tenant-rate-limits.ts). Without, every record is
 * written as the anonymous tenant.
 */
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Logger } from "pino";
import { UserRecord } from "../stream/aggregation";
import { recordBytes } from "../stream/limits";
import { ANONYMOUS_TENANT } from "../stream/tenant-key";
import { TenantLimits } from "../tenants/tenant-items";
import { ClientAddressSource, clientAddress } from "./client-address";
import { BackpressureError, ProducerClosedError, RecordExpiredError, RecordRefusedError } from "./errors";
import { ApiError, parseBatch, parseRecord } from "./ingest-request";
import { IngestSchema } from "./ingest-schema";
import { KinesisProducer } from "./kinesis-producer";
import { IngestMetrics } from "./metrics";
import { Ack } from "./shard-buffers";
import { AuthOutcome, TenantAuth } from "./tenant-auth";
import { TenantRateLimits } from "./tenant-rate-limits";
import { TenantUsage } from "./tenant-usage";

export type AckMode = "durable" | "buffered";

export interface IngestApiOptions {
  producer: KinesisProducer;
  metrics: IngestMetrics;
  log: Logger;
  ackMode: AckMode;
  maxBodyBytes: number;
  /** When set, every record's data must be valid under it, and is stored in its wire format. */
  schema?: IngestSchema;
  /** When set, every POST needs a tenant's API key (ingestAuth apiKeys). */
  tenants?: {
    auth: TenantAuth;
    limits: TenantRateLimits;
    usage: TenantUsage;
    /** Where a client's address is read, for throttling failed authentications. */
    clientAddress: ClientAddressSource;
  };
}

/** The caller of a request, once authenticated: its tenant and that tenant's own limits. */
interface Caller {
  tenant: string;
  limits: TenantLimits;
}

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/** Every record of a request, as stored: its bytes against the tenant's bytes/s. */
function bytesOf(records: readonly UserRecord[]): number {
  let bytes = 0;
  for (const r of records) bytes += recordBytes(r.partitionKey, r.data);
  return bytes;
}

/** Seconds a client should wait before retrying a 503. */
const RETRY_AFTER_SECONDS = 1;

const ROUTES = "POST /, POST /batch, GET /healthcheck";
/** The 202 body of a single record, serialized once: the buffered hot path sends it as is. */
const ACCEPTED_ONE = JSON.stringify({ accepted: 1 });
const JSON_TYPE = "application/json; charset=utf-8";

export function ingestApi(options: IngestApiOptions): FastifyInstance {
  const { producer, metrics, log, ackMode } = options;
  // While draining, fastify's own 503 (return503OnClosing) would answer with a body of its
  // own and no Retry-After; the routes answer in the API's words instead (see `closing`).
  const app = Fastify({ bodyLimit: options.maxBodyBytes, logger: false, return503OnClosing: false });
  // JSON only: fastify also parses text/plain by default, which would turn a 415 into a 400.
  app.removeContentTypeParser("text/plain");
  // Plain JSON.parse: it only creates own properties, so a "__proto__" key is data like any
  // other and is stored as sent (fastify's default parser would refuse the whole body).
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === "") return done(Object.assign(new Error("the body is empty"), { code: "EMPTY_BODY" }));
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(Object.assign(new Error(`the body is not valid JSON: ${(e as Error).message}`), { code: "INVALID_JSON" }));
    }
  });

  const tenants = options.tenants;
  const refuse = (reply: FastifyReply, e: ApiError, records = 1, retryAfterSeconds = RETRY_AFTER_SECONDS) => {
    metrics.reject(e.error, records);
    const caller = reply.request.caller;
    if (caller) tenants?.usage.rejected(caller.tenant, e.error, records);
    if (e.status === 503 || e.status === 429) reply.header("Retry-After", String(retryAfterSeconds));
    return reply.code(e.status).send(withoutStatus(e));
  };

  /** The tenant a request writes as: its caller's, or the anonymous tenant without tenants. */
  const tenantOf = (request: FastifyRequest) => request.caller?.tenant ?? ANONYMOUS_TENANT;

  /**
   * Admits a request's records under its tenant's limits, whole (counted), or answers 429
   * with Retry-After (nothing of it stored). Without tenants: always admitted.
   */
  const overLimit = (request: FastifyRequest, reply: FastifyReply, records: readonly UserRecord[]) => {
    const caller = request.caller;
    if (!tenants || !caller) return undefined;
    const bytes = bytesOf(records);
    const admission = tenants.limits.take(caller.tenant, caller.limits, records.length, bytes);
    if (admission.admitted) {
      tenants.usage.accepted(caller.tenant, records.length, bytes);
      return undefined;
    }
    const limit = tenants.limits.limitsOf(caller.limits);
    const rate =
      admission.limit === "records" ? `${limit.recordsPerSecond} records/s` : `${limit.bytesPerSecond} bytes/s`;
    return refuse(
      reply,
      {
        status: 429,
        error: "rate_limited",
        message: `tenant ${caller.tenant} is over its limit of ${rate} on this ingest task: nothing of this request was stored; retry after Retry-After seconds`,
      },
      records.length,
      Math.ceil(admission.retryAfterMs / 1000),
    );
  };

  if (tenants) {
    app.decorateRequest("caller", null);
  }

  /** Answers a refused authentication; the key itself is never echoed, logged or counted. */
  const unauthenticated = (reply: FastifyReply, outcome: Extract<AuthOutcome, { ok: false }>) => {
    if (outcome.challenge) reply.header("WWW-Authenticate", outcome.challenge);
    return refuse(reply, outcome.error, 1, outcome.retryAfterSeconds);
  };

  /**
   * Before the body is read: who is calling. A refused request costs no parsing. A callback
   * hook, not an async one: a cached key is answered in the same turn of the event loop, so
   * the hot path allocates no promise and waits for no microtask.
   */
  const authenticate = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    if (!tenants || closing) return done();
    const address = clientAddress(
      tenants.clientAddress,
      request.socket.remoteAddress,
      request.headers["x-forwarded-for"],
    );
    const admit = (outcome: AuthOutcome) => {
      // An early answer from a callback hook: send, and do not call done.
      if (!outcome.ok) return void unauthenticated(reply, outcome);
      request.caller = { tenant: outcome.tenant, limits: outcome.limits };
      done();
    };
    const outcome = tenants.auth.authenticate(request.headers.authorization, address);
    if (outcome instanceof Promise) outcome.then(admit, (error: Error) => done(error));
    else admit(outcome);
  };

  /** The producer's refusals and failures as HTTP answers; anything else is a bug (500). */
  const failure = (e: unknown): ApiError => {
    if (e instanceof BackpressureError) return { status: 503, error: "backpressure", message: e.message };
    if (e instanceof ProducerClosedError) return { status: 503, error: "shutting_down", message: e.message };
    if (e instanceof RecordExpiredError || e instanceof RecordRefusedError) {
      return { status: 503, error: "not_written", message: e.message };
    }
    log.error({ err: e }, "unexpected producer error");
    return { status: 500, error: "internal", message: "internal error; the record may not have been stored" };
  };

  /** A record answered 202 that then fails: the client cannot be told, so it is logged and counted. */
  const lostAfter202 = (e: Error) => {
    metrics.reject(failure(e).error);
    log.error({ err: e.message }, "record accepted with 202 was not written");
  };

  const accept = (records: UserRecord[]): Promise<Ack>[] => {
    const acks = records.length === 1 ? [producer.put(records[0])] : producer.putAll(records);
    if (ackMode === "buffered") for (const a of acks) a.catch(lostAfter202);
    return acks;
  };

  // Set as app.close() begins: from then on every request, /healthcheck too, gets 503 (and
  // fastify adds Connection: close, so keep-alive clients go elsewhere).
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  /** While draining: every request gets 503 with Retry-After, in the API's words. */
  const shuttingDown = (reply: FastifyReply) => refuse(reply, failure(new ProducerClosedError()));

  // The routes check `closing` themselves: a hook would run on every request of the hot path.
  app.post("/", { onRequest: authenticate }, async (request, reply) => {
    if (closing) return shuttingDown(reply);
    const parsed = parseRecord(request.body, tenantOf(request), "", options.schema);
    if (!parsed.ok) return refuse(reply, parsed.error);
    if (overLimit(request, reply, [parsed.value])) return reply;
    if (ackMode === "buffered") {
      try {
        producer.putDetached(parsed.value, lostAfter202);
      } catch (e) {
        return refuse(reply, failure(e));
      }
      return reply.code(202).type(JSON_TYPE).send(ACCEPTED_ONE);
    }
    let acks: Promise<Ack>[];
    try {
      acks = accept([parsed.value]);
    } catch (e) {
      return refuse(reply, failure(e));
    }
    try {
      return reply.code(200).send(await acks[0]);
    } catch (e) {
      return refuse(reply, failure(e));
    }
  });

  app.post("/batch", { onRequest: authenticate }, async (request, reply) => {
    if (closing) return shuttingDown(reply);
    const parsed = parseBatch(request.body, tenantOf(request), options.schema);
    if (!parsed.ok) {
      const count = Array.isArray((request.body as { records?: unknown })?.records)
        ? (request.body as { records: unknown[] }).records.length
        : 1;
      return refuse(reply, parsed.error, count);
    }
    if (overLimit(request, reply, parsed.value)) return reply;
    let acks: Promise<Ack>[];
    try {
      acks = accept(parsed.value);
    } catch (e) {
      return refuse(reply, failure(e), parsed.value.length);
    }
    if (ackMode === "buffered") return reply.code(202).send({ accepted: acks.length });
    const settled = await Promise.allSettled(acks);
    const results = settled.map((s) => (s.status === "fulfilled" ? s.value : withoutStatus(failure(s.reason))));
    const failed = settled.filter((s) => s.status === "rejected").length;
    if (failed === 0) return reply.code(200).send({ records: results });
    metrics.reject("not_written", failed);
    reply.header("Retry-After", String(RETRY_AFTER_SECONDS));
    return reply.code(503).send({
      error: "partially_written",
      message: `${failed} of ${acks.length} records were not stored; the others were (see records)`,
      records: results,
    });
  });

  // Draining shows as 503 here too, so the load balancer stops sending.
  app.get("/healthcheck", async (_request, reply) =>
    closing ? shuttingDown(reply) : reply.code(200).send({ status: "ok", pending: producer.pending }),
  );

  app.setNotFoundHandler((request, reply) =>
    refuse(reply, {
      status: 404,
      error: "not_found",
      message: `no route ${request.method} ${request.url} (routes: ${ROUTES})`,
    }),
  );

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    switch (error.code) {
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        return refuse(reply, {
          status: 415,
          error: "unsupported_media_type",
          message: `Content-Type must be application/json, got ${JSON.stringify(_request.headers["content-type"] ?? "none")}`,
          field: "Content-Type",
          allowed: "application/json",
        });
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return refuse(reply, {
          status: 413,
          error: "body_too_large",
          message: `the request body is over ${options.maxBodyBytes} bytes`,
          allowed: `at most ${options.maxBodyBytes} bytes (MAX_BODY_BYTES)`,
        });
      case "INVALID_JSON":
        return refuse(reply, { status: 400, error: "invalid_json", message: error.message, allowed: "a JSON object" });
      case "EMPTY_BODY":
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
        return refuse(reply, {
          status: 400,
          error: "invalid_json",
          message: "the body is empty",
          allowed: "a JSON object",
        });
      default:
        if (error.statusCode === 400 || error instanceof SyntaxError) {
          return refuse(reply, {
            status: 400,
            error: "invalid_json",
            message: `the body is not valid JSON: ${error.message}`,
            allowed: "a JSON object",
          });
        }
        log.error({ err: error }, "unhandled request error");
        return refuse(reply, { status: 500, error: "internal", message: "internal error" });
    }
  });

  return app;
}

/** An error as the client sees it: the status is the HTTP status, not part of the body. */
function withoutStatus(e: ApiError): Omit<ApiError, "status"> {
  const { status: _status, ...body } = e;
  return body;
}
