/**
 * The ingest API with tenants, through fastify's inject over a fake Kinesis and a tenants
 * table in memory: who may write, as whom, how fast, and what each refusal says. The same
 * over real HTTP against the emulators is in tests/integration/ingest/tenants.test.ts.
 */
import { expect } from "chai";
import { FastifyInstance, LightMyRequestResponse } from "fastify";
import pino from "pino";
import { INGEST_DEFAULTS, KPL_DEFAULTS } from "../../../runtime/ingest/defaults";
import { ingestApi } from "../../../runtime/ingest/ingest-api";
import { AuthFailureThrottle } from "../../../runtime/ingest/auth-failures";
import { KinesisProducer } from "../../../runtime/ingest/kinesis-producer";
import { IngestMetrics } from "../../../runtime/ingest/metrics";
import { TenantAuth } from "../../../runtime/ingest/tenant-auth";
import { TenantRateLimits } from "../../../runtime/ingest/tenant-rate-limits";
import { TenantUsage } from "../../../runtime/ingest/tenant-usage";
import { clientKeyOf, tenantOf } from "../../../runtime/stream/tenant-key";
import { newApiKey } from "../../../runtime/tenants/api-key";
import { KeyResolution } from "../../../runtime/tenants/key-resolution";
import { LookupCache } from "../../../runtime/tenants/lookup-cache";
import { FakeKinesis } from "../../harness/fake-kinesis";
import { MemoryTenants } from "../../harness/memory-tenants";

const TTL_MS = 5000;

interface Setup {
  app: FastifyInstance;
  kinesis: FakeKinesis;
  producer: KinesisProducer;
  table: MemoryTenants;
  clock: { now: number };
  metricLines: string[];
  logLines: string[];
  metrics: IngestMetrics;
  keys: { acme: string; beta: string };
}

async function setup(limits = { recordsPerSecond: 1000, bytesPerSecond: 1024 * 1024 }): Promise<Setup> {
  const clock = { now: 1_000_000 };
  const now = () => clock.now;
  const kinesis = new FakeKinesis(4);
  const producer = new KinesisProducer(kinesis, {
    aggregation: true,
    ...KPL_DEFAULTS,
    recordMaxBufferedTimeMs: 5,
    pendingLimitRecords: 10_000,
    pendingLimitBytes: INGEST_DEFAULTS.pendingLimitBytes,
    shardMapRefreshMs: 60_000,
    retryBaseMs: 5,
    retryMaxMs: 20,
  });
  await producer.start();
  const table = new MemoryTenants();
  const keys = { acme: table.add("acme"), beta: table.add("beta") };
  const metricLines: string[] = [];
  const logLines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
  const usage = new TenantUsage((l) => metricLines.push(l), log, "s", ["acme"]);
  const metrics = new IngestMetrics(producer, (l) => metricLines.push(l), "s", usage);
  const app = ingestApi({
    producer,
    metrics,
    log,
    ackMode: "durable",
    maxBodyBytes: 1024 * 1024,
    tenants: {
      auth: new TenantAuth({
        reader: table,
        cache: new LookupCache<KeyResolution>({ ttlMs: TTL_MS, maxEntries: 100, now }),
        failures: new AuthFailureThrottle({ burst: 5, perSecond: 1, maxAddresses: 100, now }),
      }),
      limits: new TenantRateLimits(limits, now),
      usage,
      clientAddress: "load-balancer",
    },
  });
  return { app, kinesis, producer, table, clock, metricLines, logLines, metrics, keys };
}

function post(
  s: Setup,
  url: string,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): Promise<LightMyRequestResponse> {
  return s.app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/json", ...headers },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe("ingest API with tenants", () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });
  afterEach(async () => {
    await s.app.close();
    await s.producer.close(1000);
  });

  it("writes each record under its key's tenant, the client's key after the prefix", async () => {
    expect((await post(s, "/", { data: "a", partitionKey: "order-1" }, bearer(s.keys.acme))).statusCode).to.equal(200);
    const batch = await post(
      s,
      "/batch",
      { records: [{ data: "b1" }, { data: "b2", partitionKey: "k" }] },
      bearer(s.keys.beta),
    );
    expect(batch.statusCode).to.equal(200);
    const stored = s.kinesis.userRecords().map((r) => [tenantOf(r.partitionKey), r.data.toString()]);
    expect(stored.sort()).to.deep.equal([
      ["acme", "a"],
      ["beta", "b1"],
      ["beta", "b2"],
    ]);
    expect(s.kinesis.userRecords().find((r) => r.data.toString() === "a")!.partitionKey).to.equal("acme|order-1");
  });

  it("the health check needs no key", async () => {
    expect((await s.app.inject({ method: "GET", url: "/healthcheck" })).statusCode).to.equal(200);
  });

  const refusals: {
    name: string;
    headers: Record<string, string>;
    status: number;
    error: string;
    challenge?: RegExp;
  }[] = [
    {
      name: "no Authorization header",
      headers: {},
      status: 401,
      error: "missing_api_key",
      challenge: /^Bearer realm="ingest"$/,
    },
    { name: "an empty header", headers: { authorization: "" }, status: 401, error: "missing_api_key" },
    {
      name: "Basic credentials",
      headers: { authorization: "Basic dXNlcjpwYXNz" },
      status: 401,
      error: "malformed_api_key",
      challenge: /error="invalid_token"/,
    },
    { name: "Bearer with no key", headers: { authorization: "Bearer " }, status: 401, error: "malformed_api_key" },
    {
      name: "a key that is not of our form",
      headers: { authorization: "Bearer abc123" },
      status: 401,
      error: "malformed_api_key",
    },
    {
      name: "a key of our form nobody holds",
      headers: bearer(newApiKey().key),
      status: 401,
      error: "invalid_api_key",
      challenge: /error="invalid_token"/,
    },
  ];
  for (const r of refusals) {
    it(`${r.name}: ${r.status} ${r.error}, WWW-Authenticate, JSON, nothing stored`, async () => {
      const res = await post(s, "/", { data: "x" }, r.headers);
      expect(res.statusCode).to.equal(r.status);
      expect(res.headers["content-type"]).to.match(/^application\/json/);
      expect(res.json().error).to.equal(r.error);
      expect(res.headers["www-authenticate"]).to.match(r.challenge ?? /^Bearer realm="ingest"/);
      expect(s.kinesis.userRecords()).to.have.lengthOf(0);
    });
  }

  it("a key with one character changed, or cut short, is refused the same way as any unknown key", async () => {
    const key = s.keys.acme;
    const changed = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    const answers = await Promise.all(
      [changed, newApiKey("test").key].map((k) => post(s, "/", { data: "x" }, bearer(k))),
    );
    // The same status and the same body: nothing tells a near miss from a far one.
    expect(answers.map((a) => a.statusCode)).to.deep.equal([401, 401]);
    expect(answers[0].body).to.equal(answers[1].body);
    const short = await post(s, "/", { data: "x" }, bearer(key.slice(0, -1)));
    expect(short.json().error).to.equal("malformed_api_key");
  });

  it("a disabled tenant: 403 tenant_disabled; enabled again, it writes (each within the cache's TTL)", async () => {
    expect((await post(s, "/", { data: "1" }, bearer(s.keys.acme))).statusCode).to.equal(200);
    s.table.setStatus("acme", "disabled");
    // Kept answer: still admitted until the TTL ends.
    expect((await post(s, "/", { data: "2" }, bearer(s.keys.acme))).statusCode).to.equal(200);
    s.clock.now += TTL_MS;
    const refused = await post(s, "/", { data: "3" }, bearer(s.keys.acme));
    expect(refused.statusCode).to.equal(403);
    expect(refused.json()).to.include({ error: "tenant_disabled" });
    expect(refused.headers["www-authenticate"]).to.equal(undefined);
    s.table.setStatus("acme", "enabled");
    s.clock.now += TTL_MS;
    expect((await post(s, "/", { data: "4" }, bearer(s.keys.acme))).statusCode).to.equal(200);
  });

  it("rotation: two keys work at once; the revoked one is refused once the TTL has passed", async () => {
    const second = s.table.addKey("acme");
    for (const key of [s.keys.acme, second]) {
      expect((await post(s, "/", { data: "x" }, bearer(key))).statusCode).to.equal(200);
    }
    s.table.revoke(s.keys.acme);
    s.clock.now += TTL_MS - 1;
    expect((await post(s, "/", { data: "x" }, bearer(s.keys.acme))).statusCode).to.equal(200);
    s.clock.now += 1;
    expect((await post(s, "/", { data: "x" }, bearer(s.keys.acme))).json().error).to.equal("invalid_api_key");
    expect((await post(s, "/", { data: "x" }, bearer(second))).statusCode).to.equal(200);
  });

  it("reads the table once per key per TTL, misses included", async () => {
    const unknown = newApiKey("test").key;
    for (let i = 0; i < 3; i++) {
      await post(s, "/", { data: "x" }, bearer(s.keys.acme));
      // From an address of its own each time, so the failure throttle stays out of it.
      await post(s, "/", { data: "x" }, { ...bearer(unknown), "x-forwarded-for": `10.0.0.${i}` });
    }
    expect(s.table.reads).to.equal(3); // acme's key and tenant, the unknown key
  });

  it("repeated failures from one address: 429 with Retry-After, without a lookup; other addresses unaffected", async () => {
    const from = (address: string) => ({ ...bearer(newApiKey("test").key), "x-forwarded-for": `6.6.6.6, ${address}` });
    for (let i = 0; i < 5; i++)
      expect((await post(s, "/", { data: "x" }, from("203.0.113.9"))).statusCode).to.equal(401);
    const reads = s.table.reads;
    const throttled = await post(s, "/", { data: "x" }, from("203.0.113.9"));
    expect(throttled.statusCode).to.equal(429);
    expect(throttled.json().error).to.equal("too_many_auth_failures");
    expect(throttled.headers["retry-after"]).to.equal("1");
    expect(s.table.reads).to.equal(reads);
    // The client's own X-Forwarded-For entries change nothing: only the load balancer's last one counts.
    const spoofed = await post(
      s,
      "/",
      { data: "x" },
      { ...bearer(s.keys.acme), "x-forwarded-for": "1.1.1.1, 203.0.113.9" },
    );
    expect(spoofed.statusCode).to.equal(429);
    expect(
      (await post(s, "/", { data: "x" }, { ...bearer(s.keys.acme), "x-forwarded-for": "198.51.100.1" })).statusCode,
    ).to.equal(200);
    s.clock.now += 1000;
    expect((await post(s, "/", { data: "x" }, from("203.0.113.9"))).statusCode).to.equal(401);
  });

  it("the table unreachable: 503 auth_unavailable with Retry-After, and the next request asks again", async () => {
    s.table.failing = new Error("connect ECONNREFUSED");
    const res = await post(s, "/", { data: "x" }, bearer(s.keys.acme));
    expect(res.statusCode).to.equal(503);
    expect(res.json().error).to.equal("auth_unavailable");
    expect(res.headers["retry-after"]).to.equal("1");
    s.table.failing = undefined;
    expect((await post(s, "/", { data: "x" }, bearer(s.keys.acme))).statusCode).to.equal(200);
  });

  it("a key never appears in an answer, a log line or a metric", async () => {
    const unknown = newApiKey("test").key;
    const answers = [
      await post(s, "/", { data: "x" }, bearer(s.keys.acme)),
      await post(s, "/", { data: 7 }, bearer(s.keys.acme)),
      await post(s, "/", { data: "x" }, bearer(unknown)),
      await post(s, "/", { data: "x" }, { authorization: `Bearer ${unknown}x` }),
      await post(s, "/nowhere", { data: "x" }, bearer(s.keys.beta)),
    ];
    s.table.failing = new Error("down");
    s.clock.now += TTL_MS;
    answers.push(await post(s, "/", { data: "x" }, bearer(s.keys.beta)));
    await s.metrics.report();
    const everything = [
      ...answers.map((a) => JSON.stringify(a.headers) + a.body),
      ...s.logLines,
      ...s.metricLines,
    ].join("\n");
    for (const key of [s.keys.acme, s.keys.beta, unknown]) {
      expect(everything).to.not.contain(key);
      expect(everything).to.not.contain(key.slice(8)); // nor its random part
    }
  });
});

describe("ingest API with tenants: limits", () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup({ recordsPerSecond: 10, bytesPerSecond: 1024 * 1024 });
  });
  afterEach(async () => {
    await s.app.close();
    await s.producer.close(1000);
  });

  it("over its limit a tenant gets 429 rate_limited with Retry-After; nothing of a refused batch is stored, others are not slowed", async () => {
    const batch = (n: number, tag: string) => ({
      records: Array.from({ length: n }, (_, i) => ({ data: `${tag}${i}` })),
    });
    expect((await post(s, "/batch", batch(10, "a"), bearer(s.keys.acme))).statusCode).to.equal(200);
    const refused = await post(s, "/batch", batch(3, "late"), bearer(s.keys.acme));
    expect(refused.statusCode).to.equal(429);
    expect(refused.json().error).to.equal("rate_limited");
    expect(refused.json().message).to.contain("tenant acme is over its limit of 10 records/s");
    expect(Number(refused.headers["retry-after"])).to.be.within(1, 2);
    expect((await post(s, "/batch", batch(10, "b"), bearer(s.keys.beta))).statusCode).to.equal(200);
    const stored = s.kinesis.userRecords().map((r) => r.data.toString());
    expect(stored.filter((d) => d.startsWith("late"))).to.deep.equal([]);
    expect(stored).to.have.lengthOf(20);
    s.clock.now += 1000;
    expect((await post(s, "/batch", batch(3, "late"), bearer(s.keys.acme))).statusCode).to.equal(200);
  });

  it("a tenant's own limits in the table override the defaults", async () => {
    s.table.tenants.get("beta")!.limits = { recordsPerSecond: 500 };
    s.clock.now += TTL_MS;
    const batch = { records: Array.from({ length: 400 }, () => ({ data: "x" })) };
    expect((await post(s, "/batch", batch, bearer(s.keys.beta))).statusCode).to.equal(200);
    expect((await post(s, "/batch", batch, bearer(s.keys.acme))).statusCode).to.equal(200); // whole, then waits
    expect((await post(s, "/", { data: "x" }, bearer(s.keys.acme))).statusCode).to.equal(429);
  });

  it("counts records, bytes and rejects per tenant: named tenants by name, the rest as others, all in log lines", async () => {
    await post(s, "/batch", { records: [{ data: "aa" }, { data: "bb" }] }, bearer(s.keys.acme));
    await post(s, "/", { data: 7 }, bearer(s.keys.beta));
    for (let i = 0; i < 11; i++) await post(s, "/", { data: "x" }, bearer(s.keys.beta));
    await s.metrics.report();
    const docs = s.metricLines.map((l) => JSON.parse(l)).filter((d) => d.Tenant !== undefined);
    const find = (tenant: string, metric: string, reason?: string) =>
      docs.find((d) => d.Tenant === tenant && d.Reason === reason && d[metric] !== undefined)?.[metric];
    expect(find("acme", "TenantRecords")).to.equal(2);
    expect(find("acme", "TenantBytes")).to.equal(2 * ("acme|".length + 36 + 2));
    expect(find("others", "TenantRecords")).to.equal(10);
    expect(find("others", "TenantRejects", "invalid_field")).to.equal(1);
    expect(find("others", "TenantRejects", "rate_limited")).to.equal(1);
    expect(docs.some((d) => d.Tenant === "beta")).to.equal(false);
    const usage = s.logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === "tenant usage");
    expect(usage.find((l) => l.tenant === "beta")).to.deep.include({
      records: 10,
      rejects: { invalid_field: 1, rate_limited: 1 },
    });
  });
});

describe("impersonation: a tenant's key writes as that tenant and no other, whatever else it sends", () => {
  let s: Setup;
  before(async () => {
    s = await setup();
  });
  after(async () => {
    await s.app.close();
    await s.producer.close(1000);
  });

  /** Every attempt is made with acme's key (or none); none may store a record as beta. */
  const attempts: {
    name: string;
    url?: string;
    body: unknown;
    headers?: (acme: string, beta: string) => Record<string, string | string[]>;
  }[] = [
    { name: "a body field named tenant", body: { data: "x", tenant: "beta" } },
    {
      name: "tenantId, tenant_id, x-tenant in the body",
      body: { data: "x", tenantId: "beta", tenant_id: "beta", "x-tenant": "beta" },
    },
    { name: "a tenant inside the data", body: { data: { tenant: "beta", tenantId: "beta" } } },
    { name: "a partition key shaped like beta's prefix", body: { data: "x", partitionKey: "beta|k" } },
    { name: "a partition key that is only beta's prefix", body: { data: "x", partitionKey: "beta|" } },
    { name: "a key of beta's prefix after a newline", body: { data: "x", partitionKey: "\nbeta|k" } },
    { name: "an explicit hash key", body: { data: "x", explicitHashKey: "0" } },
    {
      name: "in a batch, a record with tenant fields",
      url: "/batch",
      body: {
        records: [
          { data: "x", partitionKey: "beta|x" },
          { data: "y", tenant: "beta" },
        ],
      },
    },
    { name: "a batch naming a tenant", url: "/batch", body: { tenant: "beta", records: [{ data: "x" }] } },
    {
      name: "X-Tenant-Id and X-Tenant headers",
      body: { data: "x" },
      headers: (a) => ({ ...bearer(a), "x-tenant-id": "beta", "x-tenant": "beta" }),
    },
    {
      name: "two Authorization values, beta's second",
      body: { data: "x" },
      headers: (a, b) => ({ authorization: [`Bearer ${a}`, `Bearer ${b.slice(0, 10)}`] }),
    },
    {
      name: "both keys in one header",
      body: { data: "x" },
      headers: (a, b) => ({ authorization: `Bearer ${a} ${b}` }),
    },
    {
      name: "both keys comma-separated",
      body: { data: "x" },
      headers: (a, b) => ({ authorization: `Bearer ${a},Bearer ${b}` }),
    },
    {
      name: "beta's key with a character changed",
      body: { data: "x" },
      headers: (_a, b) => bearer(b.slice(0, -1) + (b.endsWith("A") ? "B" : "A")),
    },
    { name: "beta's key in lower case", body: { data: "x" }, headers: (_a, b) => bearer(b.toLowerCase()) },
    { name: "beta's tenant id as the key", body: { data: "x" }, headers: () => bearer("beta") },
    { name: "beta's key's hash as the key", body: { data: "x" }, headers: () => bearer("kp_test_" + "0".repeat(43)) },
    {
      name: "an X-Api-Key header instead of Authorization",
      body: { data: "x" },
      headers: (_a, b) => ({ "x-api-key": b.slice(0, 12) }),
    },
    { name: "the key in the query string", url: "/?api_key=beta", body: { data: "x" }, headers: (a) => bearer(a) },
    {
      name: "a forged X-Forwarded-For",
      body: { data: "x", partitionKey: "beta|f" },
      headers: (a) => ({ ...bearer(a), "x-forwarded-for": "10.0.0.1" }),
    },
    { name: "a __proto__ field naming beta", body: '{"data":"x","__proto__":{"tenant":"beta"}}' },
  ];

  for (const a of attempts) {
    it(`${a.name}: nothing stored as beta`, async () => {
      const before = s.kinesis.userRecords().length;
      const headers = a.headers ? a.headers(s.keys.acme, s.keys.beta) : bearer(s.keys.acme);
      const res = await post(s, a.url ?? "/", a.body, headers);
      const added = s.kinesis.userRecords().slice(before);
      expect(
        added.filter((r) => tenantOf(r.partitionKey) !== "acme"),
        res.body,
      ).to.deep.equal([]);
      // What was stored (when anything was) is acme's, the client's key kept as sent.
      if (res.statusCode === 200) expect(added.length).to.be.greaterThan(0);
      else expect(added).to.deep.equal([]);
    });
  }

  it("a client key shaped like beta's prefix is stored as acme's, the key kept whole after acme's prefix", () => {
    const forged = s.kinesis.userRecords().find((r) => clientKeyOf(r.partitionKey) === "beta|k");
    expect(forged?.partitionKey).to.equal("acme|beta|k");
  });
});
