/**
 * Tenants end to end, against the emulators: the ingest service as the container runs it,
 * with keys on (INGEST_AUTH=apiKeys) and its tenants table in the DynamoDB emulator, and a
 * processing worker reading what it wrote. Who writes as whom, how long a revoked key or a
 * disabled tenant still works (timed against the cache's TTL), and one tenant's flood
 * against another's latency.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { LOCAL_REGION } from "../../../runtime/local/emulators";
import { createTenantsTable } from "../../../runtime/local/local-tenants";
import { clientKeyOf, tenantOf } from "../../../runtime/stream/tenant-key";
import { apiKeyHash, apiKeyIdOf } from "../../../runtime/tenants/api-key";
import { TenantAdmin } from "../../../runtime/tenants/tenant-admin";
import { TenantTable } from "../../../runtime/tenants/tenant-table";
import { ConsumerTestbed } from "../../harness/consumer-testbed";
import { eventually } from "../../harness/eventually";
import { IngestClient } from "../../harness/ingest-client";
import { IngestProcess } from "../../harness/ingest-process";
import { ProcessedRecord, readProcessed } from "../../harness/processed-records";
import { readStream } from "../../harness/stream-contents";

const TABLE = "ingest-test-tenants";
const TTL_MS = 1000;

describe("tenants at the ingest service (emulators)", function () {
  this.timeout(120_000);
  let bed: ConsumerTestbed;
  let admin: TenantAdmin;
  let ingest: IngestProcess | undefined;
  const clients: IngestClient[] = [];

  before(async () => {
    bed = await ConsumerTestbed.start();
    await createTenantsTable(bed.dynamo, TABLE);
    admin = new TenantAdmin(new TenantTable(bed.dynamo, TABLE, LOCAL_REGION), "test");
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    ingest?.kill();
    await ingest?.exitWithin(5_000).catch(() => undefined);
    ingest = undefined;
    await bed.cleanUp();
  });
  after(async () => bed?.stop());

  async function startIngest(streamName: string, settings: Record<string, string> = {}): Promise<IngestProcess> {
    ingest = await IngestProcess.start({
      STREAM_NAME: streamName,
      KINESIS_ENDPOINT: bed.emulators.kinesis.endpoint,
      INGEST_AUTH: "apiKeys",
      TENANTS_TABLE: TABLE,
      DYNAMODB_ENDPOINT: bed.emulators.dynamodb.endpoint,
      AUTH_CACHE_TTL_MS: String(TTL_MS),
      LOG_LEVEL: "info",
      ...settings,
    });
    return ingest;
  }

  function client(key: string): IngestClient {
    const c = new IngestClient(ingest!.url, { apiKey: key, maxSockets: 4 });
    clients.push(c);
    return c;
  }

  it("records posted by three tenants reach the workers each with its own tenant, whatever keys they send", async () => {
    const stream = await bed.createStream(2);
    await startIngest(stream.streamName);
    const tenants = ["red", "green", "blue"];
    const keys = await Promise.all(tenants.map(async (t) => (await admin.create(t)).key));
    for (const [i, tenant] of tenants.entries()) {
      const other = tenants[(i + 1) % 3];
      const records = Array.from({ length: 30 }, (_, n) => ({
        data: { from: tenant, n },
        // Every third record sends a key shaped like another tenant's prefix.
        ...(n % 3 === 0 ? { partitionKey: `${other}|${n}` } : n % 3 === 1 ? { partitionKey: `k${n}` } : {}),
      }));
      const answer = await client(keys[i]).post("/batch", { records });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    }
    const file = bed.processedFile("tenants");
    const worker = bed.startWorker({ stream, application: bed.newApplication(), workerId: "w1", processedFile: file });
    const processed = await eventually(
      async () => {
        // Each line holds the record's data fields: who sent it (from) and its number.
        const lines = (await readProcessed([file])) as unknown as (ProcessedRecord & { from: string })[];
        return new Set(lines.map((l) => `${l.from}#${l.n}`)).size >= 90 ? lines : undefined;
      },
      { what: "90 records in the processed file", timeoutMs: 60_000, process: worker },
    );
    for (const line of processed) {
      expect(line.tenant, JSON.stringify(line)).to.equal(line.from);
      expect(tenantOf(line.partitionKey)).to.equal(line.from);
    }
    expect(processed.filter((l) => clientKeyOf(l.partitionKey).includes("|")).length).to.be.greaterThan(0);
  });

  it("rotation, revocation and disabling take effect within the cache's TTL", async () => {
    const stream = await bed.createStream(1);
    await startIngest(stream.streamName);
    const first = (await admin.create("rotating")).key;
    const post = (key: string) => client(key).post("/", { data: "x" });
    expect((await post(first)).status).to.equal(200);
    const second = (await admin.rotate("rotating")).key;
    expect((await post(second)).status).to.equal(200);
    expect((await post(first)).status).to.equal(200);

    /** Posts with `key` every 50 ms until `status`; the time from `since` it took. */
    const until = async (key: string, status: number, since: number) => {
      for (let i = 0; i < 200; i++) {
        if ((await post(key)).status === status) return Date.now() - since;
        await sleep(50);
      }
      throw new Error(`never answered ${status}`);
    };
    // The first key, cached a moment ago, is still taken right after it is revoked: the TTL at work.
    expect((await post(first)).status).to.equal(200);
    const revokedAt = Date.now();
    await admin.revoke(apiKeyIdOf(apiKeyHash(first)));
    const stillTaken = await post(first);
    // Asked within half the TTL of a kept answer, the revoked key still works: the bound is the TTL, not zero.
    if (Date.now() - revokedAt < TTL_MS / 2) expect(stillTaken.status).to.equal(200);
    const revocation = await until(first, 401, revokedAt);
    expect(revocation).to.be.at.most(TTL_MS + 500);
    expect((await post(second)).status).to.equal(200);

    const disabledAt = Date.now();
    await admin.setStatus("rotating", "disabled");
    const disabling = await until(second, 403, disabledAt);
    expect(disabling).to.be.at.most(TTL_MS + 500);
    const enabledAt = Date.now();
    await admin.setStatus("rotating", "enabled");
    expect(await until(second, 200, enabledAt)).to.be.at.most(TTL_MS + 500);
  });

  it("a flooding tenant gets 429s; the others get none and their latency stays in its band; nothing accepted is lost", async () => {
    const stream = await bed.createStream(2);
    await startIngest(stream.streamName, { TENANT_RECORDS_PER_SECOND: "200", ACK_MODE: "buffered" });
    const flood = client((await admin.create("flood")).key);
    const calm = client((await admin.create("calm")).key);

    /** The calm tenant: 20 records/s, one at a time; each answer's status and time. */
    const calmFor = async (ms: number) => {
      const samples: { status: number; ms: number }[] = [];
      const end = Date.now() + ms;
      for (let n = 0; Date.now() < end && n < 1000; n++) {
        const start = performance.now();
        const answer = await calm.post("/", { data: { calm: n } });
        samples.push({ status: answer.status, ms: performance.now() - start });
        await sleep(50);
      }
      return samples;
    };
    const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

    const baseline = await calmFor(3000);
    let accepted = 0;
    let refused = 0;
    let flooding = true;
    const lane = async (lane: number) => {
      for (let n = 0; flooding && n < 100_000; n++) {
        const records = Array.from({ length: 50 }, (_, i) => ({ data: { flood: lane, n, i } }));
        const answer = await flood.post("/batch", { records });
        if (answer.status === 202) accepted += records.length;
        else if (answer.status === 429) {
          refused++;
          expect(Number(answer.headers["retry-after"])).to.be.at.least(1);
          // A client that retries hard: 10 ms, not the Retry-After it was told.
          await sleep(10);
        } else throw new Error(`flood answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    };
    const lanes = [0, 1, 2, 3].map(lane);
    const during = await calmFor(4000);
    flooding = false;
    await Promise.all(lanes);

    expect(refused, "the flood was never refused").to.be.greaterThan(0);
    expect(
      during.filter((s) => s.status !== 202),
      "the calm tenant was refused",
    ).to.deep.equal([]);
    // ~4 s at 200 records/s, a second's burst and one batch past it: no more.
    expect(accepted).to.be.within(200, 200 * 5 + 200 + 50 * 4);
    const band = p95(baseline.map((s) => s.ms)) * 4 + 25;
    const seen = p95(during.map((s) => s.ms));
    expect(seen, `calm p95 ${seen.toFixed(1)} ms vs baseline band ${band.toFixed(1)} ms`).to.be.at.most(band);

    // Every record answered 202 is in the stream, and no refused one.
    const contents = await eventually(
      async () => {
        const c = await readStream(bed.kinesis, stream.streamName);
        const floods = c.records.filter((r) => tenantOf(r.partitionKey) === "flood").length;
        return floods >= accepted ? c : undefined;
      },
      { what: "every accepted flood record in the stream", timeoutMs: 30_000 },
    );
    expect(contents.records.filter((r) => tenantOf(r.partitionKey) === "flood")).to.have.lengthOf(accepted);
    const usage = ingest!.output();
    expect(usage).to.not.contain("kp_test_");
  });
});
