/**
 * A fault-injecting HTTP proxy between the ingest service and kinesis-local: the service's
 * KINESIS_ENDPOINT points here. It forwards every API call and, for PutRecords, can slow
 * answers down, throttle chosen entries, or fail whole calls, as a busy real stream does.
 *
 * A throttled entry is really not written: the proxy forwards a PutRecords with only the
 * entries it lets through, then splices the failures into the answer at their positions.
 * A failed call is not forwarded at all. The SDK speaks JSON here (awsJson1_1, base64 Data),
 * and kinesis-local accepts any signature, so rewriting a body is fine.
 */
import http from "node:http";
import net from "node:net";

export interface KinesisFaults {
  /** Added before every PutRecords answer. */
  putRecordsDelayMs: number;
  /** Fail the entry with ProvisionedThroughputExceededException; `entry` counts every PutRecords entry seen, from 0. */
  throttle(entry: number): boolean;
  /** Fail the whole PutRecords call (`call` counts from 0) with this status, without forwarding it. */
  failCall(call: number): 500 | 503 | undefined;
}

export interface ProxyCounts {
  putRecordsCalls: number;
  entriesSeen: number;
  entriesThrottled: number;
  callsFailed: number;
}

const NO_FAULTS: KinesisFaults = { putRecordsDelayMs: 0, throttle: () => false, failCall: () => undefined };
const PUT_RECORDS = "Kinesis_20131202.PutRecords";
/** PutRecords takes at most 5 MiB of data, base64 in JSON: anything much larger is a bug. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const UPSTREAM_TIMEOUT_MS = 30_000;

interface PutRecordsAnswer {
  FailedRecordCount?: number;
  Records: Record<string, unknown>[];
  [field: string]: unknown;
}

export class KinesisProxy {
  faults: KinesisFaults;
  readonly counts: ProxyCounts = { putRecordsCalls: 0, entriesSeen: 0, entriesThrottled: 0, callsFailed: 0 };
  private readonly sockets = new Set<net.Socket>();
  private readonly delays = new Set<NodeJS.Timeout>();
  private readonly upstream = new http.Agent({ keepAlive: true, maxSockets: 64 });

  private constructor(
    private readonly server: http.Server,
    private readonly target: URL,
    faults: Partial<KinesisFaults>,
  ) {
    this.faults = { ...NO_FAULTS, ...faults };
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    server.on("request", (request, response) => {
      this.handle(request, response).catch((error: Error) => answer(response, 502, { message: error.message }));
    });
  }

  /** Starts on a free port of 127.0.0.1, forwarding to `target` (the emulator's endpoint). */
  static async start(target: string, faults: Partial<KinesisFaults> = {}): Promise<KinesisProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    return new KinesisProxy(server, new URL(target), faults);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.delays.forEach(clearTimeout);
    this.delays.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.sockets.forEach((socket) => socket.destroy());
    this.upstream.destroy();
    await closed;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (request.headers["x-amz-target"] !== PUT_RECORDS) {
      const upstream = await this.forward(request, body);
      return answer(response, upstream.status, upstream.body, upstream.headers);
    }
    const call = this.counts.putRecordsCalls++;
    const failure = this.faults.failCall(call);
    if (failure !== undefined) {
      this.counts.callsFailed++;
      await this.delay();
      const type = failure === 500 ? "InternalFailure" : "ServiceUnavailable";
      return answer(response, failure, { __type: type, message: `injected by the test proxy (call ${call})` });
    }
    const put = JSON.parse(body.toString("utf8")) as { Records: unknown[]; [field: string]: unknown };
    const throttled = put.Records.map(() => this.faults.throttle(this.counts.entriesSeen++));
    const passed = put.Records.filter((_, i) => !throttled[i]);
    this.counts.entriesThrottled += throttled.filter(Boolean).length;

    let result: PutRecordsAnswer = { FailedRecordCount: 0, Records: [] };
    let status = 200;
    let headers: http.IncomingHttpHeaders = {};
    if (passed.length > 0) {
      const upstream = await this.forward(request, Buffer.from(JSON.stringify({ ...put, Records: passed })));
      if (upstream.status !== 200) {
        await this.delay();
        return answer(response, upstream.status, upstream.body, upstream.headers);
      }
      result = JSON.parse(upstream.body.toString("utf8")) as PutRecordsAnswer;
      ({ status, headers } = upstream);
    }
    const answered = result.Records[Symbol.iterator]();
    const records = throttled.map((isThrottled) =>
      isThrottled
        ? {
            ErrorCode: "ProvisionedThroughputExceededException",
            ErrorMessage: "Rate exceeded for shard (injected by the test proxy)",
          }
        : answered.next().value!,
    );
    const failed = records.filter((r) => r.ErrorCode !== undefined).length;
    await this.delay();
    answer(
      response,
      status,
      Buffer.from(JSON.stringify({ ...result, FailedRecordCount: failed, Records: records })),
      headers,
    );
  }

  private forward(
    request: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        new URL(request.url ?? "/", this.target),
        {
          method: request.method,
          headers: { ...request.headers, host: this.target.host, "content-length": body.length },
          agent: this.upstream,
          timeout: UPSTREAM_TIMEOUT_MS,
        },
        (reply) => {
          readBody(reply).then(
            (replyBody) => resolve({ status: reply.statusCode!, headers: reply.headers, body: replyBody }),
            reject,
          );
        },
      );
      upstream.on("timeout", () =>
        upstream.destroy(new Error(`kinesis-local did not answer within ${UPSTREAM_TIMEOUT_MS} ms`)),
      );
      upstream.on("error", reject);
      upstream.end(body);
    });
  }

  private delay(): Promise<void> {
    const ms = this.faults.putRecordsDelayMs;
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      this.delays.add(timer);
    });
  }
}

function readBody(stream: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) stream.destroy(new Error(`body over ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/** Answers with `body` (an object as AWS JSON); hop-by-hop and length headers are set afresh. */
function answer(
  response: http.ServerResponse,
  status: number,
  body: Buffer | object,
  headers: http.IncomingHttpHeaders = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const { "content-length": _length, "transfer-encoding": _encoding, connection: _connection, ...kept } = headers;
  response.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    ...kept,
    "content-length": payload.length,
  });
  response.end(payload);
}
