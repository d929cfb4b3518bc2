/**
 * The lake compactor against the local S3 server and Kinesis emulator: segment objects written
 * by the lake writer through the S3 adapter, each shard's progress object, then the Lambda's
 * handler (its settings from the environment, ListShards through the Kinesis client, the
 * bucket through the compactor's S3 adapter). The rows read back with an independent Parquet
 * reader (hyparquet), each hour from the side the state names, are the records written,
 * exactly once; the merged hours' segment objects carry the expiry tag, the others none. The
 * S3 adapter's conditional state writes get S3's answers from the local server.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectTaggingCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { createKinesisClient } from "../../../runtime/common/aws/kinesis-client";
import { createS3Client } from "../../../runtime/common/aws/s3-client";
import { Emulator, LOCAL_REGION, startKinesis } from "../../../runtime/local/emulators";
import { LocalS3, startLocalS3 } from "../../../runtime/local/s3-server";
import { createLocalStream } from "../../../runtime/local/stream-setup";
import { listAllShards } from "../../../runtime/stream/shard-fetcher";
import { S3LakeStore } from "../../../runtime/lake/s3-lake-store";
import { S3CompactionStore } from "../../../runtime/lake/compaction/s3-compaction-store";
import { compactionStateBody, parseCompactionState } from "../../../runtime/lake/compaction/compaction-state";
import { COMPACTED_PREFIX, COMPACTION_STATE_KEY, progressKey, TABLES_PREFIX } from "../../../runtime/lake/object-keys";
import { progressBody } from "../../../runtime/lake/progress";
import { RunOutcome } from "../../../runtime/lake/compaction/compactor";
import { freshModule, STAND_IN_CREDENTIALS, withEnv } from "../../harness/aws-json-stand-in";
import { parquetRows, placeOf, shardRecords, writeSegments } from "../../harness/lake-segments";

const BUCKET = "lake-compaction-test";
const HOUR_MS = 3_600_000;

describe("lake compactor: against the local S3 server", function () {
  this.timeout(120_000);
  let dir: string;
  let s3: LocalS3;
  let kinesisEmulator: Emulator;
  let s3client: S3Client;
  let kinesis: KinesisClient;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lake-compaction-"));
    s3 = await startLocalS3({ directory: path.join(dir, "s3"), buckets: [BUCKET] });
    kinesisEmulator = await startKinesis();
    s3client = createS3Client({ region: LOCAL_REGION, endpoint: s3.endpoint });
    kinesis = createKinesisClient({ region: LOCAL_REGION, endpoint: kinesisEmulator.endpoint, http: "1.1" });
  });

  after(async () => {
    await s3?.stop().catch(() => undefined);
    await kinesisEmulator?.stop().catch(() => undefined);
    s3client?.destroy();
    kinesis?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the state's conditional writes: If-None-Match for the first, If-Match on the ETag read after", async () => {
    const store = new S3CompactionStore(s3client, BUCKET);
    const key = `compaction-probe/${randomUUID()}.json`;
    const first = await store.replaceIf(key, Buffer.from("1"), "application/json", undefined);
    expect(first.outcome).to.equal("written");
    const etag = first.outcome === "written" ? first.etag : "";
    expect((await store.replaceIf(key, Buffer.from("x"), "application/json", undefined)).outcome).to.equal("conflict");
    const second = await store.replaceIf(key, Buffer.from("2"), "application/json", etag);
    expect(second.outcome).to.equal("written");
    expect((await store.replaceIf(key, Buffer.from("3"), "application/json", etag)).outcome).to.equal("conflict");
    expect((await store.getVersioned(key))?.body.toString()).to.equal("2");
    expect((await store.getVersioned(key))?.etag).to.equal(second.outcome === "written" ? second.etag : "");
    expect((await store.replaceIf(`${key}.gone`, Buffer.from("4"), "application/json", etag)).outcome).to.equal(
      "conflict",
    );
  });

  it("a run by the Lambda's handler: every record once, each hour from one side; merged hours' objects tagged", async () => {
    const streamName = `compaction-${randomUUID().slice(0, 8)}`;
    await createLocalStream(kinesis, streamName, 2);
    const shards = (await listAllShards(kinesis, streamName)).map((s) => s.ShardId!);
    expect(shards).to.have.length(2);

    // Records from three hours ago to one hour ago: two closed hours at least, by every shard's progress.
    const now = Date.now();
    const start = Math.floor(now / HOUR_MS) * HOUR_MS - 3 * HOUR_MS + 7 * 60_000;
    const records = shards.flatMap((shardId, i) => shardRecords(shardId, start + i * 700, 120, 60_000));
    await writeSegments(new S3LakeStore(s3client, BUCKET), records, 3_000);
    const at = new Date(now).toISOString();
    for (const shardId of shards) {
      await s3client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: progressKey(shardId),
          Body: progressBody({ shardId, storedBefore: at, shardEnded: false, writtenAt: at }),
        }),
      );
    }

    const entry = freshModule<typeof import("../../../runtime/lake/compaction/compactor-entry")>(
      "runtime/lake/compaction/compactor-entry",
    );
    const env = {
      ...STAND_IN_CREDENTIALS,
      AWS_REGION: LOCAL_REGION,
      STREAM_NAME: streamName,
      KINESIS_ENDPOINT: kinesisEmulator.endpoint,
      LAKE_BUCKET: BUCKET,
      S3_ENDPOINT: s3.endpoint,
      COMPACTION_SLACK_SECONDS: "60",
      // The least settle time: the run that stores the parts moves nothing; the next one does.
      COMPACTION_SETTLE_SECONDS: "1",
      // The least a part may hold: one part per table, tenant and version of these hours.
      COMPACTED_PART_BYTES: String(16 * 1024 * 1024),
    };
    const storing: RunOutcome = await withEnv(env, () =>
      entry.handle(undefined, { getRemainingTimeInMillis: () => 600_000 }),
    );
    expect([storing.end, storing.hoursCompacted.length]).to.deep.equal(["settling", 0]);
    expect(storing.partsWritten).to.be.greaterThan(0);
    // S3's LastModified of the parts a second and more ago: the next run moves the hours.
    await new Promise((r) => setTimeout(r, 2_100));
    const outcome: RunOutcome = await withEnv(env, () =>
      entry.handle(undefined, { getRemainingTimeInMillis: () => 600_000 }),
    );
    expect(outcome.end).to.equal("done");
    expect(outcome.hoursCompacted.length).to.be.at.least(2);
    expect(outcome.partsWritten).to.equal(0);

    const store = new S3CompactionStore(s3client, BUCKET);
    const state = parseCompactionState((await store.get(COMPACTION_STATE_KEY))!.toString("utf8"));
    expect(state.compacted_before).to.equal(outcome.state?.compacted_before);
    // Moved, not yet tagged: a query that read the state before the move may still read them.
    expect(state.retire_before).to.equal(state.compacted_before);
    expect(state.tagged_before < state.compacted_before).to.equal(true);
    expect(outcome.objectsRetired).to.equal(0);

    const hourOf = (key: string) => {
      const m = /date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//.exec(key)!;
      return `${m[1]} ${m[2]}`;
    };
    const places: string[] = [];
    let fromParts = 0;
    for (const o of [...(await store.listObjects(TABLES_PREFIX)), ...(await store.listObjects(COMPACTED_PREFIX))]) {
      const compacted = o.key.startsWith(COMPACTED_PREFIX);
      if (compacted !== hourOf(o.key) < state.compacted_before) continue;
      const rows = await parquetRows((await store.get(o.key))!);
      if (compacted) fromParts += rows.length;
      places.push(...rows.map(placeOf));
    }
    const written = records.map((r) => `${r.shardId}/${r.sequenceNumber}/0n`);
    expect(places.sort()).to.deep.equal(written.sort());
    expect(fromParts).to.equal(storing.rows);
    expect(fromParts).to.be.greaterThan(0);

    // The grace over (the state's horizon moved to the past): the next run tags the merged hours' objects.
    await s3client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: COMPACTION_STATE_KEY,
        Body: compactionStateBody({ ...state, retire_at: new Date(now - 1000).toISOString() }),
      }),
    );
    const tagging: RunOutcome = await withEnv(env, () =>
      entry.handle(undefined, { getRemainingTimeInMillis: () => 600_000 }),
    );
    expect(tagging.objectsRetired).to.be.greaterThan(0);
    expect(parseCompactionState((await store.get(COMPACTION_STATE_KEY))!.toString("utf8")).tagged_before).to.equal(
      state.compacted_before,
    );
    for (const o of await store.listObjects(TABLES_PREFIX)) {
      const tags = (await s3client.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: o.key }))).TagSet ?? [];
      const tagged = tags.some((t) => t.Key === "lake-compacted" && t.Value === "true");
      expect(tagged, o.key).to.equal(hourOf(o.key) < state.compacted_before);
    }
  });
});
