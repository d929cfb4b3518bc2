import { expect } from "chai";
import { LAKE_DEFAULTS, LAKE_PREFIXES, unstoredAgeBoundMs } from "../../../runtime/lake/contract";
import { BYTES_SCANNED_CUTOFF, QUERY_RESULTS_DAYS } from "../../../infra/lake/lake";
import { roleStatements, runPipeline } from "../../harness/pulumi";
import { taskEnvironment } from "../common/part-settings";

const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";

/** A catalog table's inputs, as the plan records them. */
interface TableInputs {
  parameters: Record<string, string>;
  storageDescriptor: { serDeInfo: { serializationLibrary: string } };
}
const tableInputs = (t: { inputs: Record<string, unknown> }) => t.inputs as unknown as TableInputs;

describe("Lake", () => {
  describe("the defaults (on, fan-out, no lifecycle)", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline();
    });

    it("gives the workers their own consumer and lease table, beside processing's", () => {
      expect(run.recorded.all("aws:kinesis/streamConsumer:StreamConsumer").map((c) => c.name)).to.have.members([
        "processing",
        "lake",
      ]);
      const table = run.recorded.one("aws:dynamodb/table:Table", "lake-leases");
      expect(table.inputs).to.deep.include({ billingMode: "PAY_PER_REQUEST", deletionProtectionEnabled: true });
    });

    it("hands the worker the bucket, its lease table, its consumer, the roll settings and its memory budget; it never creates the table", () => {
      const env = taskEnvironment(run.recorded, "lake");
      expect(env).to.deep.include({
        LAKE_BUCKET: run.recorded.one(BUCKET, "lake").state.bucket,
        APPLICATION_NAME: run.recorded.one("aws:dynamodb/table:Table", "lake-leases").state.name,
        CONSUMER_ARN: run.recorded.one("aws:kinesis/streamConsumer:StreamConsumer", "lake").state.arn,
        RETRIEVAL_MODE: "fanout",
        CREATE_LEASE_TABLE: "false",
        LAKE_ROLL_BYTES: String(64 * 1024 * 1024),
        LAKE_ROLL_SECONDS: "300",
        // A quarter of the task's 2048 MiB, for the segments of all the shards it leases.
        LAKE_BUFFER_BYTES: String(512 * 1024 * 1024),
      });
    });

    it("runs node with a heap of half the task's memory, so the budget's rows fit on it", () => {
      const task = run.recorded.all("aws:ecs/taskDefinition:TaskDefinition").find((t) => t.name.startsWith("lake"))!;
      const [container] = JSON.parse(String(task.inputs.containerDefinitions)) as { command: string[] }[];
      expect(container.command).to.deep.equal(["node", "--max-old-space-size=1024", "dist/runtime/lake/main.js"]);
    });

    it("grants exactly: fan-out, the shard map and key, the lease items, schema versions, the lake's prefixes, listing (404 for a missing claim) and its key through S3", () => {
      const consumer = run.recorded.one("aws:kinesis/streamConsumer:StreamConsumer", "lake");
      const table = run.recorded.one("aws:dynamodb/table:Table", "lake-leases");
      const bucket = run.recorded.one(BUCKET, "lake").state.arn;
      const key = run.recorded.one("aws:kms/key:Key", "lake-key").state.arn;
      expect(roleStatements(run.recorded, "lake-task")).to.have.deep.members([
        { Sid: "FanOut", Action: ["kinesis:SubscribeToShard"], Resource: [consumer.state.arn] },
        { Sid: "StreamFanOut", Action: ["kinesis:ListShards"], Resource: [run.outputs.streamArn] },
        {
          Sid: "StreamKeyFanOut",
          Action: ["kms:Decrypt"],
          Resource: [run.outputs.streamKeyArn],
          Condition: { StringEquals: { "kms:EncryptionContext:aws:kinesis:arn": run.outputs.streamArn } },
        },
        {
          Sid: "Leases",
          Action: ["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [table.state.arn],
        },
        { Sid: "SchemaRead", Action: ["glue:GetSchemaVersion"], Resource: ["*"] },
        {
          Sid: "LakeObjects",
          Action: ["s3:PutObject", "s3:GetObject"],
          Resource: LAKE_PREFIXES.map((p) => `${bucket}/${p}*`),
        },
        // GetObject of a claim not yet written must answer 404, not 403.
        { Sid: "LakeMissingObjects", Action: ["s3:ListBucket"], Resource: [bucket] },
        {
          Sid: "LakeKey",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: [key],
          Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        },
      ]);
    });

    it("declares for each shipped schema and the generic table a view over its segments and compacted tables, the state and the dead letters", () => {
      const all = run.recorded.all("aws:glue/catalogTable:CatalogTable");
      const tables = all.filter((t) => t.inputs.tableType === "EXTERNAL_TABLE");
      const views = all.filter((t) => t.inputs.tableType === "VIRTUAL_VIEW");
      expect(tables.map((t) => t.inputs.name).sort()).to.deep.equal([
        "dead_letters",
        "lake_compaction",
        "records_compacted",
        "records_segments",
        "taxi_trip_compacted",
        "taxi_trip_segments",
        "weather_report_compacted",
        "weather_report_segments",
      ]);
      expect(views.map((t) => t.inputs.name).sort()).to.deep.equal(["records", "taxi_trip", "weather_report"]);
      expect(all).to.have.length(tables.length + views.length);
      const bucket = run.recorded.one(BUCKET, "lake").state.bucket;
      const database = run.recorded.one("aws:glue/catalogDatabase:CatalogDatabase", "lake").inputs.name;
      for (const t of all) expect(t.inputs.databaseName, t.name).to.equal(database);
      for (const t of tables.filter((t) => t.inputs.name !== "lake_compaction")) {
        expect(tableInputs(t).parameters["projection.tenant.type"], t.name).to.equal("injected");
        expect(tableInputs(t).parameters["projection.hour.range"], t.name).to.equal("0,23");
      }
      const byName = (n: string) => all.find((t) => t.inputs.name === n)!;
      expect(tableInputs(byName("records_segments")).parameters["storage.location.template"]).to.equal(
        `s3://${bucket}/tables/records/tenant=\${tenant}/date=\${date}/hour=\${hour}/`,
      );
      expect(tableInputs(byName("records_compacted")).parameters["storage.location.template"]).to.equal(
        `s3://${bucket}/compacted/records/tenant=\${tenant}/date=\${date}/hour=\${hour}/`,
      );
      expect(tableInputs(byName("records_segments")).storageDescriptor.serDeInfo.serializationLibrary).to.equal(
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
      );
      expect((byName("lake_compaction").inputs.storageDescriptor as { location: string }).location).to.equal(
        `s3://${bucket}/compaction/state/`,
      );
      const records = byName("records");
      expect(records.inputs.parameters).to.deep.include({ presto_view: "true" });
      const text = String(records.inputs.viewOriginalText);
      const view = JSON.parse(Buffer.from(/Presto View: (\S+) \*\//.exec(text)![1], "base64").toString("utf8"));
      expect(view).to.deep.include({ catalog: "awsdatacatalog", schema: database });
      expect(view.originalSql).to.contain(`"${database}"."records_segments"`);
    });

    it("queries in a workgroup that enforces its KMS-encrypted results bucket and a scan cut-off", () => {
      const wg = run.recorded.one("aws:athena/workgroup:Workgroup", "lake");
      const results = run.recorded.one(BUCKET, "lake-query-results").state.bucket;
      const key = run.recorded.one("aws:kms/key:Key", "lake-key").state.arn;
      expect(wg.inputs.configuration).to.deep.include({
        enforceWorkgroupConfiguration: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        resultConfiguration: {
          outputLocation: `s3://${results}/`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: key },
        },
      });
      const named = run.recorded.all("aws:athena/namedQuery:NamedQuery");
      expect(named.map((q) => q.inputs.name)).to.include("lake-first-query");
      for (const q of named) expect(q.inputs.query, q.name).to.match(/WHERE tenant = '/);
    });

    it("alarms when rows are not reaching the lake: the oldest unstored record over twice the roll time and a failover, or no worker reporting", () => {
      const alarm = run.recorded.one(ALARM, "operations-lake-rows-late").inputs;
      const topic = run.recorded.one("aws:sns/topic:Topic", "operations-alerts").state.arn;
      // 2 x 300 s of roll, the lease's move (10 s failover and a third), one age check, a minute to read and store.
      const bound = 2 * 300_000 + 13_334 + 1_000 + 60_000;
      expect(unstoredAgeBoundMs(LAKE_DEFAULTS.rollSeconds, 10_000)).to.equal(bound);
      expect(alarm).to.deep.include({
        namespace: "KinesisPipeline",
        metricName: "LakeOldestUnstoredAge",
        dimensions: { Service: "lake", StreamName: run.outputs.streamName },
        statistic: "Maximum",
        period: 60,
        comparisonOperator: "GreaterThanThreshold",
        threshold: bound,
        treatMissingData: "breaching",
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        alarmActions: [topic],
      });
    });

    it("puts the lake on the dashboard: its service's CPU and tasks, rows stored, the unstored age against the alarm's bound, re-reads, lag", () => {
      const body = JSON.parse(run.recorded.one(DASHBOARD).inputs.dashboardBody as string) as {
        widgets: { properties: { title: string; metrics: unknown[]; annotations?: unknown } }[];
      };
      const service = run.recorded.one("aws:ecs/service:Service", "lake").state.name as string;
      for (const title of ["Services: CPU %", "Services: running tasks"]) {
        const widget = body.widgets.find((w) => w.properties.title === title)!;
        expect(JSON.stringify(widget.properties.metrics), title).to.contain(`"ServiceName","${service}"`);
      }
      const age = body.widgets.find((w) => w.properties.title.startsWith("Lake: oldest unstored"))!;
      expect(age.properties.annotations).to.deep.equal({
        horizontal: [
          { label: "rows late", value: run.recorded.one(ALARM, "operations-lake-rows-late").inputs.threshold },
        ],
      });
      expect(JSON.stringify(body)).to.contain(
        `"KinesisPipeline","LakeRowsStored","Service","lake","StreamName","${run.outputs.streamName}"`,
      );
    });

    it("lets the workers PUT each shard's progress (progress/<shardId>.json) and nothing else outside the lake's prefixes", () => {
      const bucket = run.recorded.one(BUCKET, "lake").state.arn;
      const objects = roleStatements(run.recorded, "lake-task").find((st) => st.Sid === "LakeObjects")!;
      expect(objects.Action).to.include("s3:PutObject");
      expect(objects.Resource).to.have.members([
        `${bucket}/tables/*`,
        `${bucket}/dead-letters/*`,
        `${bucket}/segments/*`,
        `${bucket}/progress/*`,
      ]);
    });

    it("keeps the lake's objects by default (only merged segment objects expire), and query results a week", () => {
      const lake = run.recorded.one(BUCKET, "lake");
      const results = run.recorded.one(BUCKET, "lake-query-results");
      const lifecycles = run.recorded.all(LIFECYCLE);
      expect(
        lifecycles
          .filter((l) => l.inputs.bucket === lake.state.id)
          .flatMap((l) => (l.inputs.rules as { id: string }[]).map((r) => r.id)),
      ).to.deep.equal(["lake-compacted-segments"]);
      expect(
        lifecycles
          .filter((l) => l.inputs.bucket === results.state.id)
          .map((l) => (l.inputs.rules as { expiration: unknown }[])[0].expiration),
      ).to.deep.equal([{ days: QUERY_RESULTS_DAYS }]);
      expect(lake.inputs.forceDestroy).to.equal(false);
    });
  });

  it("moves and deletes the lake's objects as lakeInfrequentAccessDays and lakeRetentionDays say", async () => {
    const { recorded } = await runPipeline({ lakeInfrequentAccessDays: "30", lakeRetentionDays: "400" });
    const lake = recorded.one(BUCKET, "lake");
    const rules = recorded.all(LIFECYCLE).filter((l) => l.inputs.bucket === lake.state.id);
    expect(rules.map((l) => (l.inputs.rules as { id: string }[]).filter((r) => r.id === "lake-objects"))).to.deep.equal(
      [
        [
          {
            id: "lake-objects",
            status: "Enabled",
            filter: {},
            transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
            expiration: { days: 400 },
          },
        ],
      ],
    );
  });

  it("a shorter roll time makes a tighter bound for the rows-late alarm", async () => {
    const { recorded } = await runPipeline({ lakeRollSeconds: "60", analytics: "false" });
    expect(recorded.one(ALARM, "operations-lake-rows-late").inputs.threshold).to.equal(
      2 * 60_000 + 13_334 + 1_000 + 60_000,
    );
  });

  it("polling: no lake consumer, the stream's polling reads", async () => {
    const { recorded } = await runPipeline({ lakeRetrieval: "polling", analytics: "false" });
    expect(recorded.all("aws:kinesis/streamConsumer:StreamConsumer").map((c) => c.name)).to.deep.equal(["processing"]);
    expect(roleStatements(recorded, "lake-task").map((s) => s.Sid)).to.include.members(["StreamRead", "StreamKeyRead"]);
  });

  it("off: no lake resource at all", async () => {
    const { recorded } = await runPipeline({ lake: "false", analytics: "false" });
    expect(recorded.resources.filter((r) => r.name.startsWith("lake"))).to.deep.equal([]);
    // Nor its alarm or dashboard lines: no worker would ever report.
    expect(recorded.all(ALARM).map((a) => a.name)).to.not.include("operations-lake-rows-late");
    expect(recorded.one(DASHBOARD).inputs.dashboardBody as string).to.not.match(/Lake/);
  });
});
