/**
 * The lake end to end: records of several tenants written to a local stream (acknowledged by
 * PutRecords), lake workers started as the container starts them, one killed with kill -9
 * mid-segment, a reshard 2 -> 4, another stopped with SIGTERM, and a fresh worker to finish:
 * the rows in the local S3 server, read with an independent Parquet reader (hyparquet), are
 * the records, per tenant, by content: 0 missing, 0 duplicated.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { KinesisClient, PutRecordsCommand, UpdateShardCountCommand } from "@aws-sdk/client-kinesis";
import { parquetReadObjects } from "hyparquet";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { createS3Client } from "../../../runtime/common/aws/s3-client";
import { LOCAL_REGION, LocalEmulators, startEmulators } from "../../../runtime/local/emulators";
import { LocalS3, startLocalS3 } from "../../../runtime/local/s3-server";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { S3LakeStore } from "../../../runtime/lake/s3-lake-store";
import { LakeProcess } from "../../harness/lake-process";

const BUCKET = "lake-test";
const TENANTS = ["acme", "beta", "gamma"];

describe("lake: exactly once across a kill, a reshard and a SIGTERM", function () {
  this.timeout(240_000);
  let emulators: LocalEmulators;
  let s3: LocalS3;
  let dir: string;
  let kinesis: KinesisClient;
  let s3client: S3Client;
  const workers: { kill(): void }[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lake-test-"));
    emulators = await startEmulators();
    s3 = await startLocalS3({ directory: path.join(dir, "s3"), buckets: [BUCKET] });
    kinesis = createKinesisClient({ region: LOCAL_REGION, endpoint: emulators.kinesis.endpoint, http: "1.1" });
    s3client = createS3Client({ region: LOCAL_REGION, endpoint: s3.endpoint });
  });

  after(async () => {
    workers.forEach((w) => w.kill());
    await s3?.stop().catch(() => undefined);
    await emulators?.kinesis.stop().catch(() => undefined);
    await emulators?.dynamodb.stop().catch(() => undefined);
    kinesis?.destroy();
    s3client?.destroy();
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
    const deadline = Date.now() + 120_000;
    let got = await rows();
    while (got.length < sent.size && Date.now() < deadline) {
      await sleep(1000);
      got = await rows();
    }
    await c.stop("SIGTERM");
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
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
