/**
 * The lake end to end: records of several tenants written to a local stream (acknowledged by
 * PutRecords), lake workers started as the container starts them, one killed with kill -9
 * mid-segment, a reshard 2 -> 4, another stopped with SIGTERM, and a fresh worker to finish:
 * the rows in the local S3 server, read with an independent Parquet reader (hyparquet), are
 * the records, per tenant, by content: 0 missing, 0 duplicated; corrupt KPL aggregates among
 * them are one dead letter each. Then a lease taken from a live worker that was paused (a
 * zombie that wakes and writes), and records naming a schema version the registry learns
 * only later (the shard waits, then they are rows).
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { KinesisClient, PutRecordsCommand, UpdateShardCountCommand } from "@aws-sdk/client-kinesis";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { parquetReadObjects } from "hyparquet";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { createS3Client } from "../../../runtime/common/aws/s3-client";
import { LOCAL_REGION, LocalEmulators, startEmulators } from "../../../runtime/local/emulators";
import { LocalS3, startLocalS3 } from "../../../runtime/local/s3-server";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { S3LakeStore } from "../../../runtime/lake/s3-lake-store";
import { createDynamoDbClient } from "../../../runtime/common/aws/dynamodb-client";
import { LeaseTable } from "../../../runtime/processing/leases/lease-table";
import { CORRUPT_AGGREGATE_REASON } from "../../../runtime/lake/lake-rows";
import { schemaTableName } from "../../../runtime/lake/lake-tables";
import { KPL_MAGIC } from "../../../runtime/stream/aggregation";
import { LocalSchemaRegistry } from "../../../runtime/schemas/local-registry";
import { encode } from "../../../runtime/schemas/wire-format";
import { LakeProcess } from "../../harness/lake-process";
import { eventually } from "../../harness/eventually";
import { describeLeases, waitForLeases } from "../../harness/lease-views";

const BUCKET = "lake-test";
/** The second test's own bucket: its counts must not see the first one's objects. */
const ZOMBIE_BUCKET = "lake-test-zombie";
const TENANTS = ["acme", "beta", "gamma"];

describe("lake: exactly once across a kill, a reshard and a SIGTERM", function () {
  this.timeout(240_000);
  let emulators: LocalEmulators;
  let s3: LocalS3;
  let dir: string;
  let kinesis: KinesisClient;
  let s3client: S3Client;
  let dynamo: DynamoDBClient;
  const workers: { kill(): void }[] = [];

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
    await s3?.stop().catch(() => undefined);
    await emulators?.kinesis.stop().catch(() => undefined);
    await emulators?.dynamodb.stop().catch(() => undefined);
    kinesis?.destroy();
    s3client?.destroy();
    dynamo?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("every acknowledged record is one row of its tenant", async () => {
    const streamName = `lake-${randomUUID().slice(0, 8)}`;
    await createLocalStream(kinesis, streamName, 2);
    const sent = new Map<string, string>(); // data -> tenant
    let n = 0;
    const put = async (count: number) => {
      for (let i = 0; i < count; i += 50) {
        const entries = Array.from({ length: Math.min(50, count - i) }, () => {
          const tenant = TENANTS[n % TENANTS.length];
          const data = JSON.stringify({ n: n++, tenant });
          return { tenant, data };
        });
        const out = await kinesis.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: entries.map((e) => ({
              PartitionKey: `${e.tenant}|key-${e.data.length}-${n}`,
              Data: Buffer.from(e.data),
            })),
          }),
        );
        out.Records!.forEach((r, j) => {
          if (r.SequenceNumber) sent.set(entries[j].data, entries[j].tenant);
        });
      }
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
    const a = start("a");
    const b = start("b");
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
    await a.killHard();
    await put(300);
    await kinesis.send(
      new UpdateShardCountCommand({ StreamName: streamName, TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }),
    );
    await put(300);
    await sleep(2000);
    await b.stop("SIGTERM");
    const c = start("c");
    await put(300);

    const rows = async () => {
      const store = new S3LakeStore(s3client, BUCKET);
      const got: { data: string; tenant: string }[] = [];
      let token: string | undefined;
      do {
        const page = await s3client.send(
          new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "tables/records/", ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          const body = (await store.get(o.Key!))!;
          const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
          const tenant = /tenant=([^/]+)/.exec(o.Key!)![1];
          for (const r of (await parquetReadObjects({ file, columns: ["data"] })) as { data: string }[])
            got.push({ data: r.data, tenant });
        }
        token = page.NextContinuationToken;
      } while (token);
      return got;
    };
    const deadLetters = () => deadLettersIn(s3client, BUCKET);
    const deadline = Date.now() + 120_000;
    let got = await rows();
    while (got.length < sent.size && Date.now() < deadline) {
      await sleep(1000);
      got = await rows();
    }
    const letters = await deadLetters();
    await c.stop("SIGTERM");
    // Each corrupt aggregate once, under its own key's tenant, with why.
    expect(letters.map((l) => [l.sequenceNumber, l.tenant, l.reason.split(":")[0]]).sort()).to.deep.equal(
      [...corrupt].map(([seq, tenant]) => [seq, tenant, CORRUPT_AGGREGATE_REASON]).sort(),
    );
    const counts = new Map<string, number>();
    for (const r of got) counts.set(r.data, (counts.get(r.data) ?? 0) + 1);
    const missing = [...sent.keys()].filter((d) => !counts.has(d)).length;
    const duplicated = [...counts.values()].filter((c) => c > 1).length;
    const wrongTenant = got.filter((r) => sent.get(r.data) !== r.tenant).length;
    expect({ missing, duplicated, wrongTenant, rows: got.length }).to.deep.equal({
      missing: 0,
      duplicated: 0,
      wrongTenant: 0,
      rows: sent.size,
    });
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
