/**
 * The lake end to end: records posted through the ingest service by three tenants, each
 * with its own API key, in durable mode (a 200 means stored in the stream), while lake
 * workers run as the container starts them: one killed with kill -9 mid-segment, a reshard
 * 2 -> 4, another stopped with SIGTERM, and a fresh worker to finish. The rows in the local
 * S3 server, read with an independent Parquet reader (hyparquet), are the acknowledged
 * records, per tenant (the tenant ingest wrote into the partition key, as the lake
 * partitions by it), by content: 0 missing, 0 duplicated. Corrupt KPL aggregates, which
 * ingest never writes, are put straight to the stream among them: one dead letter each.
 * Every shard's progress object, read at several moments, vouches only for stored records,
 * and at the end each shard has one (ended for the resharded parents).
 * Then a lease taken from a live worker that was paused (a zombie that wakes and writes),
 * and records naming a schema version the registry learns only later (the shard waits,
 * then they are rows).
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { KinesisClient, ListShardsCommand, PutRecordsCommand, UpdateShardCountCommand } from "@aws-sdk/client-kinesis";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { parquetReadObjects } from "hyparquet";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { createS3Client } from "../../../runtime/common/aws/s3-client";
import { LOCAL_REGION, LocalEmulators, startEmulators } from "../../../runtime/local/emulators";
import { LocalS3, startLocalS3 } from "../../../runtime/local/s3-server";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { S3LakeStore } from "../../../runtime/lake/s3-lake-store";
import { PROGRESS_PREFIX, progressKey } from "../../../runtime/lake/object-keys";
import { parseProgress, ShardProgress } from "../../../runtime/lake/progress";
import { createDynamoDbClient } from "../../../runtime/common/aws/dynamodb-client";
import { LeaseTable } from "../../../runtime/processing/leases/lease-table";
import { CORRUPT_AGGREGATE_REASON } from "../../../runtime/lake/lake-rows";
import { MIXED_TENANTS } from "../../../runtime/stream/tenant-key";
import { schemaTableName } from "../../../runtime/lake/lake-tables";
import { KPL_MAGIC } from "../../../runtime/stream/aggregation";
import { hashKeyOf } from "../../../runtime/stream/hash-key";
import { LocalSchemaRegistry } from "../../../runtime/schemas/local-registry";
import { encode } from "../../../runtime/schemas/wire-format";
import { createTenantsTable } from "../../../runtime/local/local-tenants";
import { TenantAdmin } from "../../../runtime/tenants/tenant-admin";
import { TenantTable } from "../../../runtime/tenants/tenant-table";
import { IngestClient, inParallel } from "../../harness/ingest-client";
import { IngestProcess } from "../../harness/ingest-process";
import { LakeProcess } from "../../harness/lake-process";
import { eventually } from "../../harness/eventually";
import { describeLeases, waitForLeases } from "../../harness/lease-views";

const BUCKET = "lake-test";
/** The second test's own bucket: its counts must not see the first one's objects. */
const ZOMBIE_BUCKET = "lake-test-zombie";
const TENANTS = ["acme", "beta", "gamma"];
/** Records per POST /batch of the main run. */
const POSTED_BATCH = 25;

describe("lake: exactly once across a kill, a reshard and a SIGTERM", function () {
  this.timeout(240_000);
  let emulators: LocalEmulators;
  let s3: LocalS3;
  let dir: string;
  let kinesis: KinesisClient;
  let s3client: S3Client;
  let dynamo: DynamoDBClient;
  const workers: { kill(): void }[] = [];
  /** One ingest service for the file: the main run posts through it. */
  let ingest: IngestProcess | undefined;
  const ingestClients: IngestClient[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lake-test-"));
    emulators = await startEmulators();
    s3 = await startLocalS3({ directory: path.join(dir, "s3"), buckets: [BUCKET, ZOMBIE_BUCKET] });
    kinesis = createKinesisClient({ region: LOCAL_REGION, endpoint: emulators.kinesis.endpoint, http: "1.1" });
    s3client = createS3Client({ region: LOCAL_REGION, endpoint: s3.endpoint });
    dynamo = createDynamoDbClient({ region: LOCAL_REGION, endpoint: emulators.dynamodb.endpoint });
  });

  after(async () => {
    workers.forEach((w) => w.kill());
    ingestClients.forEach((c) => c.close());
    ingest?.kill();
    await ingest?.exitWithin(5_000).catch(() => undefined);
    await s3?.stop().catch(() => undefined);
    await emulators?.kinesis.stop().catch(() => undefined);
    await emulators?.dynamodb.stop().catch(() => undefined);
    kinesis?.destroy();
    s3client?.destroy();
    dynamo?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("every record a tenant posted and ingest acknowledged is one row of that tenant", async function () {
    const streamName = `lake-${randomUUID().slice(0, 8)}`;
    const tenantsTable = `${streamName}-tenants`;
    await Promise.all([createLocalStream(kinesis, streamName, 2), createTenantsTable(dynamo, tenantsTable)]);
    const parents = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards!.map(
      (shard) => shard.ShardId!,
    );
    const admin = new TenantAdmin(new TenantTable(dynamo, tenantsTable, LOCAL_REGION), "test");
    const clients = new Map<string, IngestClient>();
    const startIngest = async () => {
      const keys = Promise.all(TENANTS.map(async (tenant) => (await admin.create(tenant)).key));
      ingest = await IngestProcess.start({
        STREAM_NAME: streamName,
        KINESIS_ENDPOINT: emulators.kinesis.endpoint,
        // A 200 only once every record of the request is stored in the stream.
        ACK_MODE: "durable",
        INGEST_AUTH: "apiKeys",
        TENANTS_TABLE: tenantsTable,
        DYNAMODB_ENDPOINT: emulators.dynamodb.endpoint,
        RECORD_MAX_BUFFERED_MS: "20",
      });
      for (const [i, apiKey] of (await keys).entries()) {
        const client = new IngestClient(ingest.url, { apiKey, maxSockets: 2 });
        ingestClients.push(client);
        clients.set(TENANTS[i], client);
      }
    };
    /** Data (as stored) -> the tenant whose key posted it: records of requests answered 200. */
    const sent = new Map<string, string>();
    /** The same for requests answered otherwise: nothing said they are stored, nor that they are not. */
    const unacknowledged = new Map<string, string>();
    const notOk: string[] = [];
    const ackedShards = new Set<string>();
    /** Data -> its shard and when ingest acknowledged it: it reached the stream no later. */
    const ackedAt = new Map<string, { shardId: string; at: number }>();
    let n = 0;
    const put = async (count: number) => {
      const requests: { tenant: string; records: { data: Record<string, unknown>; partitionKey?: string }[] }[] = [];
      for (let i = 0; i < count; i++) {
        const tenant = TENANTS[n % TENANTS.length];
        const other = TENANTS[(n + 1) % TENANTS.length];
        // No key (ingest picks one), a device's key, or a key shaped like another tenant's prefix:
        // the tenant on the record is the API key's whatever the client sends.
        const kind = Math.floor(n / TENANTS.length) % 3;
        const partitionKey = kind === 0 ? undefined : kind === 1 ? `device-${n % 11}` : `${other}|${n}`;
        const record = { data: { n: n++, from: tenant }, ...(partitionKey ? { partitionKey } : {}) };
        const open = requests.find((r) => r.tenant === tenant && r.records.length < POSTED_BATCH);
        if (open) open.records.push(record);
        else requests.push({ tenant, records: [record] });
      }
      await inParallel(requests, TENANTS.length * 2, async ({ tenant, records }) => {
        // A request that got no answer is not acknowledged either.
        const answer = await clients
          .get(tenant)!
          .post("/batch", { records })
          .catch((e: Error) => ({ status: 0, body: e.message }));
        const into = answer.status === 200 ? sent : unacknowledged;
        records.forEach((r) => into.set(JSON.stringify(r.data), tenant));
        if (answer.status === 200) {
          const at = Date.now();
          (answer.body.records as { shardId: string }[]).forEach((location, i) => {
            ackedShards.add(location.shardId);
            ackedAt.set(JSON.stringify(records[i].data), { shardId: location.shardId, at });
          });
        } else notOk.push(`${answer.status} ${JSON.stringify(answer.body)}`);
      });
    };
    const start = (id: string) => {
      const w = LakeProcess.start({
        STREAM_NAME: streamName,
        APPLICATION_NAME: `${streamName}-lake`,
        WORKER_ID: id,
        KINESIS_ENDPOINT: emulators.kinesis.endpoint,
        DYNAMODB_ENDPOINT: emulators.dynamodb.endpoint,
        S3_ENDPOINT: s3.endpoint,
        LAKE_BUCKET: BUCKET,
        LAKE_ROLL_BYTES: String(1024 * 1024),
        LAKE_ROLL_SECONDS: "1",
        FAILOVER_MS: "3000",
        POLL_IDLE_MS: "200",
        SHARD_SYNC_INTERVAL_MS: "1000",
      });
      workers.push(w);
      return w;
    };
    /** The data of every row in the bucket. */
    const storedData = async () => {
      const store = new S3LakeStore(s3client, BUCKET);
      const out = new Set<string>();
      for (const key of await keysUnder(s3client, BUCKET, "tables/records/")) {
        const body = (await store.get(key))!;
        const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
        for (const r of (await parquetReadObjects({ file, columns: ["data"] })) as { data: string }[]) out.add(r.data);
      }
      return out;
    };
    /**
     * Each shard's progress says nothing false: read first, then the rows; every record
     * acknowledged before a shard's storedBefore (so it arrived before it) is a row. Returns
     * how many records a progress object vouched for.
     */
    let vouched = 0;
    const checkProgress = async () => {
      const progress = await progressIn(s3client, BUCKET);
      const stored = await storedData();
      const unstored: string[] = [];
      for (const [data, { shardId, at }] of ackedAt) {
        const p = progress.get(shardId);
        if (!p || !(p.shardEnded || (p.storedBefore !== null && at < Date.parse(p.storedBefore)))) continue;
        vouched++;
        if (!stored.has(data)) unstored.push(`${data} on ${shardId} acknowledged at ${new Date(at).toISOString()}`);
      }
      expect(unstored, JSON.stringify([...progress.values()])).to.deep.equal([]);
      return progress;
    };
    const a = start("a");
    const b = start("b");
    await startIngest();
    await put(300);
    // The magic and no valid aggregate behind it, read again by a's successor after the kill.
    const corrupt = new Map<string, string>(); // sequence number -> tenant
    for (const tenant of TENANTS) {
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: [
            {
              PartitionKey: `${tenant}|corrupt`,
              Data: Buffer.concat([KPL_MAGIC, Buffer.from(`no aggregate of ${tenant}, and no MD5`)]),
            },
          ],
        }),
      );
      corrupt.set(out.Records![0].SequenceNumber!, tenant);
    }
    await sleep(2500);
    await checkProgress();
    await a.killHard();
    await put(300);
    await checkProgress();
    await kinesis.send(
      new UpdateShardCountCommand({ StreamName: streamName, TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }),
    );
    await put(300);
    await sleep(2000);
    await checkProgress();
    await b.stop("SIGTERM");
    const c = start("c");
    await put(300);
    await checkProgress();

    const rows = async () => {
      const store = new S3LakeStore(s3client, BUCKET);
      const got: LakeRow[] = [];
      let token: string | undefined;
      do {
        const page = await s3client.send(
          new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "tables/records/", ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          const body = (await store.get(o.Key!))!;
          const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
          const tenant = /tenant=([^/]+)/.exec(o.Key!)![1];
          const columns = ["data", "partition_key", "shard_id"];
          for (const r of (await parquetReadObjects({ file, columns })) as Omit<LakeRow, "tenant">[])
            got.push({ ...r, tenant });
        }
        token = page.NextContinuationToken;
      } while (token);
      return got;
    };
    const deadLetters = () => deadLettersIn(s3client, BUCKET);
    const deadline = Date.now() + 120_000;
    let got = await rows();
    const anyMissing = () => {
      const stored = new Set(got.map((r) => r.data));
      return [...sent.keys()].some((data) => !stored.has(data));
    };
    while (anyMissing() && Date.now() < deadline) {
      await sleep(1000);
      got = await rows();
    }
    const letters = await deadLetters();
    // Every shard, the parents read to their end and the children read to the tip, has its
    // progress: ended for a parent, a time for a child (c published its first at once).
    const listed = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards!.map(
      (sh) => sh.ShardId!,
    );
    let progress = await checkProgress();
    const published = () =>
      listed.every(
        (id) => progress.get(id)?.shardEnded === parents.includes(id) && progress.get(id)?.storedBefore !== null,
      );
    for (const until = Date.now() + 30_000; !published() && Date.now() < until;) {
      await sleep(500);
      progress = await checkProgress();
    }
    expect(
      listed.map((id) => [id, progress.get(id)?.shardEnded, progress.get(id)?.storedBefore !== null]),
      JSON.stringify([...progress.values()]),
    ).to.deep.equal(listed.map((id) => [id, parents.includes(id), true]));
    expect(vouched, "records some progress object vouched for").to.be.above(0);
    await c.stop("SIGTERM");
    await ingest!.stop("SIGTERM");
    const shards = new Map(
      (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards!.map((shard) => [
        shard.ShardId!,
        shard.HashKeyRange!,
      ]),
    );
    /** Read from a shard whose hash key range does not hold its key: a copy a reshard left behind. */
    const misplaced = (row: LakeRow) => {
      const range = shards.get(row.shard_id)!;
      const hashKey = hashKeyOf(row.partition_key);
      return hashKey < BigInt(range.StartingHashKey!) || hashKey > BigInt(range.EndingHashKey!);
    };
    // Each corrupt aggregate once, with why, under no one tenant's partition (its bytes may hold
    // several tenants' records).
    expect(letters.map((l) => [l.sequenceNumber, l.tenant, l.reason.split(":")[0]]).sort()).to.deep.equal(
      [...corrupt].map(([seq]) => [seq, MIXED_TENANTS, CORRUPT_AGGREGATE_REASON]).sort(),
    );
    // Posted across the reshard: some records were stored on the children.
    const children = [...ackedShards].filter((shard) => !parents.includes(shard));
    expect(children.length, `shards of acknowledged records: ${[...ackedShards].join(", ")}`).to.be.above(0);
    // Per tenant: its rows are its acknowledged records, each once. A record of a request not
    // answered 200 may be a row (ingest may have stored it), but of its own tenant and once.
    const byTenant = (tenant: string) => {
      const acked = [...sent].filter(([, t]) => t === tenant).map(([data]) => data);
      const ownRows = got.filter((r) => r.tenant === tenant);
      const own = ownRows.map((r) => r.data);
      const counts = new Map<string, number>();
      for (const data of own) counts.set(data, (counts.get(data) ?? 0) + 1);
      return {
        acknowledged: acked.length,
        rows: own.filter((data) => sent.has(data)).length,
        missing: acked.filter((data) => !counts.has(data)).length,
        duplicated: [...counts.values()].filter((count) => count > 1).length,
        misplaced: ownRows.filter(misplaced).length,
        notItsOwn: own.filter((data) => (sent.get(data) ?? unacknowledged.get(data)) !== tenant).length,
      };
    };
    const expected = (tenant: string) => {
      const acknowledged = [...sent.values()].filter((t) => t === tenant).length;
      return { acknowledged, rows: acknowledged, missing: 0, duplicated: 0, misplaced: 0, notItsOwn: 0 };
    };
    expect(
      Object.fromEntries(TENANTS.map((t) => [t, byTenant(t)])),
      `requests not answered 200: ${notOk.join("; ") || "none"}; ingest's wrong-shard resends: ${ingest!.metricTotal("WrongShardResends")}`,
    ).to.deep.equal(Object.fromEntries(TENANTS.map((t) => [t, expected(t)])));
    expect(
      got.filter((r) => !TENANTS.includes(r.tenant)),
      "rows of no posting tenant",
    ).to.deep.equal([]);
    this.test!.title += ` (${sent.size} acknowledged, ${unacknowledged.size} not; ${vouched} vouched for by progress)`;
  });

  it("a lease taken from a live worker that was paused, and a schema version the registry learns late", async () => {
    const streamName = `lake-${randomUUID().slice(0, 8)}`;
    await createLocalStream(kinesis, streamName, 1);
    const registryFile = path.join(dir, `${streamName}-registry.json`);
    const leases = new LeaseTable(dynamo, `${streamName}-lake`);
    const start = (id: string, rollSeconds: number) => {
      const w = LakeProcess.start({
        STREAM_NAME: streamName,
        APPLICATION_NAME: `${streamName}-lake`,
        WORKER_ID: id,
        KINESIS_ENDPOINT: emulators.kinesis.endpoint,
        DYNAMODB_ENDPOINT: emulators.dynamodb.endpoint,
        S3_ENDPOINT: s3.endpoint,
        LAKE_BUCKET: ZOMBIE_BUCKET,
        LAKE_ROLL_BYTES: String(1024 * 1024),
        LAKE_ROLL_SECONDS: String(rollSeconds),
        SCHEMA_REGISTRY_FILE: registryFile,
        FAILOVER_MS: "2000",
        POLL_IDLE_MS: "200",
        SHARD_SYNC_INTERVAL_MS: "1000",
      });
      workers.push(w);
      return w;
    };
    /** Sequence number -> what was sent: plain JSON, or an order naming the late version. */
    const sent = new Map<string, "plain" | "order">();
    let n = 0;
    const put = async (count: number, kind: "plain" | "order") => {
      const records = Array.from({ length: count }, () => {
        const tenant = TENANTS[n % TENANTS.length];
        const json = Buffer.from(JSON.stringify(kind === "plain" ? { n: n++ } : { orderId: `o-${n++}`, total: n }));
        return {
          PartitionKey: `${tenant}|k${n}`,
          Data: kind === "plain" ? json : encode(json, LATE_VERSION_ID, { compression: "none" }),
        };
      });
      const out = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: records }));
      const acked = out.Records!.filter((r) => r.SequenceNumber).map((r) => r.SequenceNumber!);
      acked.forEach((seq) => sent.set(seq, kind));
      return acked;
    };
    const untilRows = async (count: number) => {
      let rows = await rowsIn(s3client, ZOMBIE_BUCKET);
      await eventually(async () => (rows = await rowsIn(s3client, ZOMBIE_BUCKET)).length >= count, {
        what: `${count} rows in the lake`,
        timeoutMs: 20_000,
        intervalMs: 250,
        details: () => `${rows.length} rows`,
      });
    };

    // A worker holds the shard and has read records that it has not cut: its segments roll after 4 s.
    const slow = start("slow", 4);
    await waitForLeases(leases, "slow to hold the shard", (l) => l.length === 1 && l[0].owner === "slow", 20_000);
    await put(40, "plain");
    await sleep(1000);
    // Paused, not dead: it stops renewing, and a live worker takes the lease after the failover time.
    slow.child.kill("SIGSTOP");
    const thief = start("thief", 1);
    await waitForLeases(
      leases,
      "thief to take the shard from the paused worker",
      (l) => l[0]?.owner === "thief",
      15_000,
    );
    expect(slow.running, "the worker that lost the lease is alive").to.equal(true);
    await untilRows(40);
    await put(40, "plain");
    // It wakes with its segment past its roll age and writes it as if it still held the lease:
    // the thief's claim and objects stand, and its checkpoint is refused.
    const woke = slow.stdout.length;
    slow.child.kill("SIGCONT");
    await eventually(() => logged(slow, "cutting an aged segment failed; next check retries", woke).length > 0, {
      what: "the woken worker to try to store its segment",
      timeoutMs: 10_000,
      process: slow,
    });
    await eventually(() => logged(slow, /^lease (lost at renewal|taken by a peer)$/, woke).length > 0, {
      what: "the woken worker to learn that its lease is gone",
      timeoutMs: 10_000,
      process: slow,
    });
    await untilRows(80);

    // Orders naming a version the registry does not know yet, then plain records behind them.
    const failing = thief.stdout.length;
    const orders = await put(20, "order");
    const behind = await put(20, "plain");
    const retried = () =>
      logged(thief, "processor failed on a batch; retrying", failing).filter((l) =>
        String(l.err).includes(LATE_VERSION_ID),
      );
    await eventually(() => retried().length >= 2, {
      what: "the batch naming the unknown version to fail and be retried",
      timeoutMs: 10_000,
      process: thief,
    });
    // The shard waits: none of them, nor anything behind them, is a row or a dead letter yet,
    // and the checkpoint has not passed them.
    const waiting = new Set([...orders, ...behind]);
    expect(
      (await rowsIn(s3client, ZOMBIE_BUCKET)).filter((r) => waiting.has(r.row.sequence_number as string)),
    ).to.deep.equal([]);
    expect(await deadLettersIn(s3client, ZOMBIE_BUCKET)).to.deep.equal([]);
    const [held] = await leases.list();
    expect(
      held.checkpoint.kind === "SEQUENCE" && BigInt(held.checkpoint.sequenceNumber) < BigInt(orders[0]),
      describeLeases([held]),
    ).to.equal(true);

    new LocalSchemaRegistry({ file: registryFile, newVersionId: () => LATE_VERSION_ID }).register(
      "order",
      JSON.stringify(ORDER_SCHEMA),
    );
    await untilRows(sent.size);
    const rows = await rowsIn(s3client, ZOMBIE_BUCKET);
    await Promise.all([thief.stop("SIGTERM"), slow.stop("SIGTERM")]);

    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    const missing = [...sent.keys()].filter((seq) => !counts.has(`${seq}-0`)).length;
    const duplicated = [...counts.values()].filter((c) => c > 1).length;
    const orderRows = rows.filter((r) => r.table === schemaTableName("order"));
    expect({ missing, duplicated, rows: rows.length, orders: orderRows.length }).to.deep.equal({
      missing: 0,
      duplicated: 0,
      rows: sent.size,
      orders: orders.length,
    });
    expect(orderRows.every((r) => r.row.schema_version === 1n && /^o-\d+$/.test(r.row.order_id as string))).to.equal(
      true,
    );
    expect(await deadLettersIn(s3client, ZOMBIE_BUCKET)).to.deep.equal([]);
  });
});

const ORDER_SCHEMA = { type: "object", properties: { orderId: { type: "string" }, total: { type: "number" } } };
/** The id the registry gives the order schema's first version once it is registered, mid-test. */
const LATE_VERSION_ID = "0f1e2d3c-4b5a-4968-8776-655443322110";

/** A row of the generic table, with the tenant of the object that holds it. */
interface LakeRow {
  data: string;
  partition_key: string;
  shard_id: string;
  tenant: string;
}

/** Lines a lake worker logged since `from` (its stdout's length then) with this message. */
function logged(worker: LakeProcess, msg: string | RegExp, from: number): Record<string, unknown>[] {
  return worker.stdout
    .slice(from)
    .split("\n")
    .slice(0, -1)
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => (typeof msg === "string" ? line.msg === msg : msg.test(String(line.msg))));
}

/** Every line of every dead-letter object in the bucket. */
async function deadLettersIn(
  s3client: S3Client,
  bucket: string,
): Promise<{ sequenceNumber: string; tenant: string; reason: string }[]> {
  const store = new S3LakeStore(s3client, bucket);
  const out: { sequenceNumber: string; tenant: string; reason: string }[] = [];
  for (const key of await keysUnder(s3client, bucket, "dead-letters/")) {
    const body = (await store.get(key))!;
    for (const line of Buffer.from(body).toString("utf8").split("\n")) {
      if (line !== "") out.push(JSON.parse(line) as { sequenceNumber: string; tenant: string; reason: string });
    }
  }
  return out;
}

/** Every row of every table, by where it came from: `<sequence number>-<sub>`, its table and its cells. */
async function rowsIn(
  s3client: S3Client,
  bucket: string,
): Promise<{ id: string; table: string; row: Record<string, unknown> }[]> {
  const store = new S3LakeStore(s3client, bucket);
  const out: { id: string; table: string; row: Record<string, unknown> }[] = [];
  for (const key of await keysUnder(s3client, bucket, "tables/")) {
    const body = (await store.get(key))!;
    const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    const table = key.split("/")[1];
    for (const row of (await parquetReadObjects({ file })) as Record<string, unknown>[]) {
      out.push({ id: `${String(row.sequence_number)}-${String(row.sub_sequence_number)}`, table, row });
    }
  }
  return out;
}

/** Every shard progress object in the bucket, by shard. */
async function progressIn(s3client: S3Client, bucket: string): Promise<Map<string, ShardProgress>> {
  const store = new S3LakeStore(s3client, bucket);
  const out = new Map<string, ShardProgress>();
  for (const key of await keysUnder(s3client, bucket, PROGRESS_PREFIX)) {
    const p = parseProgress((await store.get(key))!.toString("utf8"));
    expect(key).to.equal(progressKey(p.shardId));
    out.set(p.shardId, p);
  }
  return out;
}

async function keysUnder(s3client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
