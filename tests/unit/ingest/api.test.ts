/**
 * The ingest API through fastify's in-process `inject` over a fake Kinesis: every answer
 * of the contract, its status and its message. The same answers over real HTTP against
 * the emulator are in tests/integration/ingest/ingest.test.ts.
 */
import { expect } from "chai";
import pino from "pino";
import { FastifyInstance } from "fastify";
import { KPL_DEFAULTS, INGEST_DEFAULTS } from "../../../runtime/ingest/defaults";
import { AckMode, ingestApi } from "../../../runtime/ingest/ingest-api";
import { KinesisProducer, ProducerOptions } from "../../../runtime/ingest/kinesis-producer";
import { IngestMetrics } from "../../../runtime/ingest/metrics";
import { ANONYMOUS_TENANT, clientKeyOf, tenantOf } from "../../../runtime/stream/tenant-key";
import { FakeKinesis } from "../../harness/fake-kinesis";

/** The stored key's prefix without tenants: every record is the anonymous tenant's. */
const ANONYMOUS_PREFIX = `${ANONYMOUS_TENANT}|`;

const OPTIONS: ProducerOptions = {
  aggregation: true,
  ...KPL_DEFAULTS,
  recordMaxBufferedTimeMs: 10,
  pendingLimitRecords: 100,
  pendingLimitBytes: INGEST_DEFAULTS.pendingLimitBytes,
  shardMapRefreshMs: 60_000,
  retryBaseMs: 5,
  retryMaxMs: 20,
};

interface Setup {
  app: FastifyInstance;
  kinesis: FakeKinesis;
  producer: KinesisProducer;
  metrics: IngestMetrics;
  lines: string[];
}

async function setup(
  ackMode: AckMode = "durable",
  options: Partial<ProducerOptions> = {},
  maxBodyBytes = 64 * 1024,
): Promise<Setup> {
  const kinesis = new FakeKinesis(2);
  const producer = new KinesisProducer(kinesis, { ...OPTIONS, ...options });
  await producer.start();
  const lines: string[] = [];
  const metrics = new IngestMetrics(producer, (l) => lines.push(l), "s");
  const app = ingestApi({ producer, metrics, log: pino({ level: "silent" }), ackMode, maxBodyBytes });
  return { app, kinesis, producer, metrics, lines };
}

function post(app: FastifyInstance, url: string, body: unknown, contentType = "application/json") {
  return app.inject({
    method: "POST",
    url,
    headers: { "content-type": contentType },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("ingest API", () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });
  afterEach(async () => {
    await s.app.close();
    await s.producer.close(1000);
  });

  it("POST / answers 200 with where the record was stored, once it is in Kinesis", async () => {
    const res = await post(s.app, "/", { data: { trip: 1 }, partitionKey: "taxi-7" });
    expect(res.statusCode).to.equal(200);
    const ack = res.json();
    expect(ack).to.have.keys("shardId", "sequenceNumber");
    const [stored] = s.kinesis.userRecords();
    expect(stored).to.deep.include({ partitionKey: `${ANONYMOUS_PREFIX}taxi-7`, shardId: ack.shardId });
    expect(stored.data.toString()).to.equal('{"trip":1}');
  });

  it("stores a string as its UTF-8 bytes, and picks a random key when none is given", async () => {
    await post(s.app, "/", { data: "héllo" });
    await post(s.app, "/", { data: "héllo" });
    const [a, b] = s.kinesis.userRecords();
    expect(a.data.toString("utf8")).to.equal("héllo");
    expect(tenantOf(a.partitionKey)).to.equal(ANONYMOUS_TENANT);
    expect(clientKeyOf(a.partitionKey)).to.match(/^[0-9a-f-]{36}$/);
    expect(a.partitionKey).to.not.equal(b.partitionKey);
  });

  it("POST /batch stores every record and answers their locations in order", async () => {
    const records = Array.from({ length: 40 }, (_, i) => ({ data: `r${i}`, partitionKey: `k${i}` }));
    const res = await post(s.app, "/batch", { records });
    expect(res.statusCode).to.equal(200);
    expect(res.json().records).to.have.lengthOf(40);
    const stored = s.kinesis.userRecords();
    expect(stored.map((r) => r.data.toString()).sort()).to.deep.equal(records.map((r) => r.data).sort());
    for (const [i, ack] of res.json().records.entries()) {
      expect(stored.find((r) => clientKeyOf(r.partitionKey) === `k${i}`)!.shardId).to.equal(ack.shardId);
    }
  });

  it("GET /healthcheck answers 200", async () => {
    const res = await s.app.inject({ method: "GET", url: "/healthcheck" });
    expect(res.statusCode).to.equal(200);
    expect(res.json()).to.deep.equal({ status: "ok", pending: { records: 0, bytes: 0 } });
  });

  describe("bad input: status and a message naming the field, the problem and what is allowed", () => {
    const MiB = 1024 * 1024;
    const table: {
      name: string;
      url?: string;
      body: unknown;
      type?: string;
      status: number;
      error: string;
      message: RegExp;
    }[] = [
      { name: "invalid JSON", body: '{"data": ', status: 400, error: "invalid_json", message: /not valid JSON/ },
      { name: "an empty body", body: "", status: 400, error: "invalid_json", message: /empty/ },
      {
        name: "no data",
        body: { partitionKey: "k" },
        status: 400,
        error: "missing_field",
        message: /^data is missing \(allowed: a string or a JSON object\)$/,
      },
      {
        name: "data a number",
        body: { data: 5 },
        status: 400,
        error: "invalid_field",
        message: /^data must be a string or a JSON object, got a number/,
      },
      { name: "data null", body: { data: null }, status: 400, error: "invalid_field", message: /got null/ },
      { name: "data an array", body: { data: [1] }, status: 400, error: "invalid_field", message: /got an array/ },
      {
        name: "an empty partition key",
        body: { data: "x", partitionKey: "" },
        status: 400,
        error: "invalid_field",
        // 256 characters in Kinesis, less the longest tenant's prefix (runtime/stream/tenant-key.ts).
        message: /^partitionKey must not be empty \(allowed: a string of 1 to 223 characters\)$/,
      },
      {
        name: "a 224-character key (room for the tenant's prefix)",
        body: { data: "x", partitionKey: "k".repeat(224) },
        status: 400,
        error: "invalid_field",
        message: /must not be 224 characters long \(allowed: a string of 1 to 223 characters\)/,
      },
      {
        name: "a 257-character key",
        body: { data: "x", partitionKey: "é".repeat(257) },
        status: 400,
        error: "invalid_field",
        message: /must not be 257 characters long/,
      },
      {
        name: "a key of 129 emoji (258 UTF-16 code units, as Kinesis counts)",
        body: { data: "x", partitionKey: "😀".repeat(129) },
        status: 400,
        error: "invalid_field",
        message: /must not be 258 UTF-16 code units long \(129 characters; /,
      },
      {
        name: "data nested too deeply to serialize",
        // Arrays, to stay within this setup's 64 KiB body limit.
        body: `{"data":{"a":${"[".repeat(30_000)}${"]".repeat(30_000)}}}`,
        status: 400,
        error: "invalid_field",
        message: /^data is nested too deeply to store/,
      },
      {
        name: "a numeric key",
        body: { data: "x", partitionKey: 7 },
        status: 400,
        error: "invalid_field",
        message: /partitionKey must be a string, got a number/,
      },
      {
        name: "an unknown field",
        body: { data: "x", partitonKey: "k" },
        status: 400,
        error: "unknown_field",
        message: /^partitonKey is not a field of a record/,
      },
      {
        name: "a body that is an array",
        body: [{ data: "x" }],
        status: 400,
        error: "invalid_field",
        message: /^body must be a JSON object, got an array/,
      },
      {
        name: "text/plain",
        body: "hello",
        type: "text/plain",
        status: 415,
        error: "unsupported_media_type",
        message: /Content-Type must be application\/json, got "text\/plain"/,
      },
      {
        name: "form data",
        body: "a=1",
        type: "application/x-www-form-urlencoded",
        status: 415,
        error: "unsupported_media_type",
        message: /got/,
      },
      {
        name: "a body over the limit",
        body: { data: "x".repeat(70 * 1024) },
        status: 413,
        error: "body_too_large",
        message: /over 65536 bytes/,
      },
      {
        name: "a batch without records",
        url: "/batch",
        body: {},
        status: 400,
        error: "missing_field",
        message: /^records is missing/,
      },
      {
        name: "an empty batch",
        url: "/batch",
        body: { records: [] },
        status: 400,
        error: "invalid_field",
        message: /must not hold 0 records/,
      },
      {
        name: "a batch of 501",
        url: "/batch",
        body: { records: Array.from({ length: 501 }, () => ({ data: "x" })) },
        status: 400,
        error: "invalid_field",
        message: /1 to 500 records/,
      },
      {
        name: "a batch with one bad record",
        url: "/batch",
        body: { records: [{ data: "x" }, { data: 1 }] },
        status: 400,
        error: "invalid_field",
        message: /^records\[1\]\.data must be a string/,
      },
      {
        name: "an unknown route",
        url: "/nope",
        body: { data: "x" },
        status: 404,
        error: "not_found",
        message: /POST \/batch/,
      },
    ];
    for (const c of table) {
      it(`${c.name}: ${c.status}`, async () => {
        const res = await post(s.app, c.url ?? "/", c.body, c.type);
        expect(res.statusCode).to.equal(c.status);
        expect(res.headers["content-type"]).to.match(/^application\/json/);
        const body = res.json();
        expect(body.error).to.equal(c.error);
        expect(body.message).to.match(c.message);
        expect(s.kinesis.stored, "nothing written").to.have.lengthOf(0);
      });
    }

    it("a partition key with a lone surrogate: 400 (Kinesis would store another key)", async () => {
      const res = await post(s.app, "/", '{"data":"x","partitionKey":"a\\ud800b"}');
      expect(res.statusCode).to.equal(400);
      expect(res.json().message).to.contain("must be well-formed Unicode");
      expect(s.kinesis.stored).to.have.lengthOf(0);
    });

    it("a __proto__ key is data like any other: stored as sent, no prototype touched", async () => {
      const res = await post(s.app, "/", '{"data":{"__proto__":{"polluted":1},"a":2}}');
      expect(res.statusCode).to.equal(200);
      expect(s.kinesis.userRecords()[0].data.toString()).to.equal('{"__proto__":{"polluted":1},"a":2}');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it("a record over the 1 MiB Kinesis limit (data plus key): 413", async () => {
      const big = await setup("durable", {}, 4 * MiB);
      try {
        // The stored key is the tenant's prefix and the client's key: both count.
        const key = ANONYMOUS_PREFIX.length + 4;
        const res = await post(big.app, "/", { data: "x".repeat(MiB - key + 1), partitionKey: "abcd" });
        expect(res.statusCode).to.equal(413);
        expect(res.json()).to.include({ error: "record_too_large", field: "data" });
        expect(res.json().message).to.contain("1048577 bytes together");
        const fits = await post(big.app, "/", { data: "x".repeat(MiB - key), partitionKey: "abcd" });
        expect(fits.statusCode).to.equal(200);
      } finally {
        await big.app.close();
        await big.producer.close(1000);
      }
    });
  });

  it("counts rejects by reason in the metrics", async () => {
    await post(s.app, "/", { data: 1 });
    await post(s.app, "/", "x", "text/plain");
    await post(s.app, "/", { data: 1 });
    await s.metrics.report();
    const rejects = s.lines.map((l) => JSON.parse(l)).filter((d) => d.Rejects !== undefined);
    expect(rejects.map((d) => [d.Reason, d.Rejects])).to.have.deep.members([
      ["invalid_field", 2],
      ["unsupported_media_type", 1],
    ]);
  });

  it("answers 503 with Retry-After at the pending limit, and takes nothing of a batch over it", async () => {
    s.kinesis.hang = true;
    const first = Array.from({ length: 100 }, (_, i) => post(s.app, "/", { data: `x${i}` }));
    await new Promise((r) => setTimeout(r, 20));
    const res = await post(s.app, "/", { data: "one more" });
    expect(res.statusCode).to.equal(503);
    expect(res.headers["retry-after"]).to.equal("1");
    expect(res.json()).to.include({ error: "backpressure" });
    expect(res.json().message).to.contain("100 records of at most 100");
    const batch = await post(s.app, "/batch", { records: [{ data: "a" }] });
    expect(batch.statusCode).to.equal(503);
    expect(s.producer.pending.records).to.equal(100);
    void first;
  });

  it("answers 503 when a record could not be written within its time to live", async () => {
    const ttl = await setup("durable", { recordTtlMs: 100 });
    ttl.kinesis.failEntry = () => "ProvisionedThroughputExceededException";
    try {
      const res = await post(ttl.app, "/", { data: "x" });
      expect(res.statusCode).to.equal(503);
      expect(res.headers["retry-after"]).to.equal("1");
      expect(res.json()).to.include({ error: "not_written" });
      expect(res.json().message).to.contain("it was not stored");
    } finally {
      await ttl.app.close();
      await ttl.producer.close(100);
    }
  });

  it("in buffered mode answers 202 at once, and the record is still written", async () => {
    const b = await setup("buffered");
    try {
      b.kinesis.latencyMs = 50;
      const res = await post(b.app, "/", { data: "later" });
      expect(res.statusCode).to.equal(202);
      expect(res.json()).to.deep.equal({ accepted: 1 });
      expect(b.kinesis.stored).to.have.lengthOf(0);
      await b.producer.flush();
      expect(b.kinesis.userRecords().map((r) => r.data.toString())).to.deep.equal(["later"]);
    } finally {
      await b.app.close();
      await b.producer.close(1000);
    }
  });
});
