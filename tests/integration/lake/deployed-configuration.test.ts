/**
 * The lake worker as the stack runs it on Fargate (infra/lake/lake.ts): its lease table made
 * beforehand (CREATE_LEASE_TABLE=false), schema versions read from Glue by id
 * (SCHEMA_REGISTRY_NAME, answered by the registry stand-in), objects in S3 (the local S3
 * server), reading through its own enhanced fan-out consumer (the default) or by polling
 * (lakeRetrieval polling). Records of a registered schema and records without one, from two
 * tenants, are the rows in the lake, read with an independent Parquet reader (hyparquet).
 * Every call the worker makes in these two configurations is in the call trace, which the IAM
 * check (tests/iam/) holds against the lake role of the stacks that run them.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { parquetReadObjects } from "hyparquet";
import { createS3Client } from "../../../runtime/common/aws/s3-client";
import { LOCAL_REGION } from "../../../runtime/local/emulators";
import { LocalS3, startLocalS3 } from "../../../runtime/local/s3-server";
import { DEAD_LETTERS_PREFIX, tablePrefix } from "../../../runtime/lake/object-keys";
import { GENERIC_TABLE, schemaTableName } from "../../../runtime/lake/lake-tables";
import { SCHEMAS_DIR } from "../../../runtime/schemas/shipped-schemas";
import { encode } from "../../../runtime/schemas/wire-format";
import { tenantPartitionKey } from "../../../runtime/stream/tenant-key";
import { STAND_IN_CREDENTIALS } from "../../harness/aws-json-stand-in";
import { ConsumerTestbed } from "../../harness/consumer-testbed";
import { eventually } from "../../harness/eventually";
import { GlueStandIn, startGlueStandIn } from "../../harness/glue-stand-in";
import { LakeProcess } from "../../harness/lake-process";

const SCHEMA = "weather-report";
const TENANTS = ["acme", "beta"];
const PER_TENANT = 6;

/** A row as the test compares it: its tenant (from the object's path), its key and its data. */
interface LakeRow {
  tenant: string;
  partitionKey: string;
  data: unknown;
}

describe("lake: the worker in the stack's configuration (lease table made by the stack, Glue, S3)", function () {
  this.timeout(60_000);
  let testbed: ConsumerTestbed;
  let glue: GlueStandIn;
  let s3: LocalS3;
  let s3client: S3Client;
  let dir: string;
  const buckets = {
    fanout: `lake-fanout-${randomUUID().slice(0, 8)}`,
    polling: `lake-polling-${randomUUID().slice(0, 8)}`,
  };
  const workers: LakeProcess[] = [];

  before(async () => {
    testbed = await ConsumerTestbed.start();
    dir = mkdtempSync(path.join(tmpdir(), "lake-deployed-"));
    s3 = await startLocalS3({ directory: path.join(dir, "s3"), buckets: Object.values(buckets) });
    s3client = createS3Client({ region: LOCAL_REGION, endpoint: s3.endpoint });
    glue = await startGlueStandIn({ registryName: "pipeline-registry", pendingReads: 0 });
  });

  afterEach(() => workers.splice(0).forEach((w) => w.kill()));

  after(async () => {
    workers.forEach((w) => w.kill());
    await glue?.close();
    await s3?.stop().catch(() => undefined);
    s3client?.destroy();
    await testbed?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of ["fanout", "polling"] as const) {
    it(`${mode}: records with a schema and without, of two tenants, are the rows of their tables`, async () => {
      const definition = readFileSync(path.join(SCHEMAS_DIR, `${SCHEMA}.json`), "utf8");
      const version = glue.createSchema(SCHEMA, definition, "BACKWARD");
      const stream = await testbed.createStream(2);
      // The stack makes the lease table (infra/processing/lease-table.ts); the worker may not.
      const application = testbed.newApplication();
      await application.table.ensureExists();
      const bucket = buckets[mode];

      // The same variables infra/lake/lake.ts gives the task, in its order; then what points
      // the worker at the local servers instead of AWS, and the test's short intervals.
      const worker = LakeProcess.start({
        STREAM_NAME: stream.streamName,
        AWS_REGION: LOCAL_REGION,
        APPLICATION_NAME: application.applicationName,
        RETRIEVAL_MODE: mode,
        ...(mode === "fanout"
          ? { CONSUMER_ARN: await testbed.registerConsumer(stream, `${application.applicationName}-lake`) }
          : {}),
        FAILOVER_MS: "3000",
        CREATE_LEASE_TABLE: "false",
        SCHEMA_REGISTRY_NAME: glue.registryName,
        METRICS_INTERVAL_MS: "3600000",
        LOG_LEVEL: "warn",
        LAKE_BUCKET: bucket,
        LAKE_ROLL_BYTES: String(1024 * 1024),
        LAKE_ROLL_SECONDS: "1",
        WORKER_ID: `lake-${mode}`,
        KINESIS_ENDPOINT: testbed.emulators.kinesis.endpoint,
        DYNAMODB_ENDPOINT: testbed.emulators.dynamodb.endpoint,
        S3_ENDPOINT: s3.endpoint,
        AWS_ENDPOINT_URL_GLUE: glue.endpoint,
        ...STAND_IN_CREDENTIALS,
        POLL_IDLE_MS: "200",
        SHARD_SYNC_INTERVAL_MS: "1000",
      });
      workers.push(worker);

      const sent: LakeRow[] = [];
      const entries: { PartitionKey: string; Data: Buffer }[] = [];
      for (const tenant of TENANTS) {
        for (let i = 0; i < PER_TENANT; i++) {
          const report = {
            location: { city: `city-${i}`, state: "WA" },
            temperature: 10 + i,
            timestamp: 1_700_000_000 + i,
          };
          const reportKey = tenantPartitionKey(tenant, `station-${i}`);
          entries.push({
            PartitionKey: reportKey,
            // Ingest writes the Glue wire format, with zlib when asked: both decode alike.
            Data: encode(Buffer.from(JSON.stringify(report)), version.schemaVersionId, {
              compression: i % 2 === 0 ? "none" : "zlib",
            }),
          });
          sent.push({ tenant, partitionKey: reportKey, data: { schema_version: 1, ...report } });
          const plain = JSON.stringify({ mode, tenant, n: i });
          const plainKey = tenantPartitionKey(tenant, `device-${i}`);
          entries.push({ PartitionKey: plainKey, Data: Buffer.from(plain) });
          sent.push({ tenant, partitionKey: plainKey, data: plain });
        }
      }
      const put = await testbed.kinesis.send(
        new PutRecordsCommand({ StreamName: stream.streamName, Records: entries }),
      );
      expect(put.FailedRecordCount ?? 0).to.equal(0);

      const rows = await eventually(
        async () => {
          const got = [
            ...(await tableRows(s3client, bucket, schemaTableName(SCHEMA), (r) => ({
              schema_version: Number(r.schema_version),
              location: r.location,
              temperature: Number(r.temperature),
              timestamp: Number(r.timestamp),
            }))),
            ...(await tableRows(s3client, bucket, GENERIC_TABLE, (r) => r.data)),
          ];
          return got.length >= sent.length && got;
        },
        { what: `${sent.length} rows in the lake`, timeoutMs: 30_000, intervalMs: 500, process: worker },
      );
      await worker.stop("SIGTERM");

      const order = (a: LakeRow, b: LakeRow) => a.partitionKey.localeCompare(b.partitionKey);
      expect(rows.sort(order)).to.deep.equal(sent.sort(order));
      expect(await keysUnder(s3client, bucket, DEAD_LETTERS_PREFIX)).to.deep.equal([]);
      // The worker read the version its records name from Glue, by id (glue:GetSchemaVersion).
      const reads = glue.calls.filter((c) => c.input.SchemaVersionId === version.schemaVersionId);
      expect(reads.map((c) => c.operation)).to.include("GetSchemaVersion");
    });
  }
});

async function keysUnder(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** Every row of `table`, read with hyparquet, its data as `data` makes it. */
async function tableRows(
  client: S3Client,
  bucket: string,
  table: string,
  data: (row: Record<string, unknown>) => unknown,
): Promise<LakeRow[]> {
  const rows: LakeRow[] = [];
  for (const key of await keysUnder(client, bucket, tablePrefix(table))) {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await object.Body!.transformToByteArray();
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const tenant = /tenant=([^/]+)/.exec(key)![1];
    for (const r of (await parquetReadObjects({ file })) as Record<string, unknown>[]) {
      rows.push({ tenant, partitionKey: String(r.partition_key), data: data(r) });
    }
  }
  return rows;
}
