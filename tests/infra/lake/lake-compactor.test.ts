/**
 * The lake compactor in the plan: its function from the contract, its schedule, its role
 * (exactly the contract's calls, each on its prefix), and the expiry of merged segment
 * objects; none of it when lakeCompaction is false.
 */
import { expect } from "chai";
import { COMPACTION_DEFAULTS, LAKE_COMPACTOR } from "../../../runtime/lake/compaction/compactor-contract";
import { COMPACTED_SEGMENT_TAG } from "../../../runtime/lake/compaction/expiry-tag";
import { COMPACTOR_PACKAGES, COMPACTOR_TIMEOUT_SECONDS, compactorSchedule } from "../../../infra/lake/lake-compactor";
import { archiveEntries, expectArchiveContents } from "../../harness/lambda-archive";
import { roleStatements, runPipeline } from "../../harness/pulumi";
import { functionEnvironment, settingsOf } from "../common/part-settings";

const FUNCTION = "aws:lambda/function:Function";
const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const RULE = "aws:cloudwatch/eventRule:EventRule";

describe("Lake compactor", () => {
  describe("the defaults (on)", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline();
    });

    it("runs the contract's module for 15 minutes with 3072 MiB, no reservation, told the stream, the bucket and the part size", () => {
      const fn = run.recorded.one(FUNCTION, "lake-compactor");
      expect(fn.inputs).to.deep.include({ timeout: COMPACTOR_TIMEOUT_SECONDS, memorySize: 3072 });
      expect(COMPACTOR_TIMEOUT_SECONDS).to.equal(15 * 60);
      expect(fn.inputs.reservedConcurrentExecutions).to.equal(undefined);
      expect(settingsOf(LAKE_COMPACTOR, functionEnvironment(fn))).to.deep.include({
        STREAM_NAME: run.outputs.streamName,
        LAKE_BUCKET: run.recorded.one(BUCKET, "lake").state.bucket,
        COMPACTED_PART_BYTES: COMPACTION_DEFAULTS.partBytes,
      });
    });

    it("alarms when closed hours are not compacted: over 3 hours behind at any run in an hour", () => {
      const alarm = run.recorded.one("aws:cloudwatch/metricAlarm:MetricAlarm", "operations-lake-compaction-behind");
      expect(alarm.inputs).to.deep.include({
        namespace: "KinesisPipeline",
        metricName: "LakeHoursNotCompacted",
        dimensions: { StreamName: run.outputs.streamName },
        statistic: "Maximum",
        period: 3600,
        threshold: 3,
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      });
      expect(alarm.inputs.alarmActions).to.deep.equal([
        run.recorded.one("aws:sns/topic:Topic", "operations-alerts").state.arn,
      ]);
    });

    it("is woken every 15 minutes by an EventBridge rule that may invoke it", () => {
      expect(compactorSchedule(COMPACTION_DEFAULTS.scheduleMinutes)).to.equal("rate(15 minutes)");
      expect(compactorSchedule(1)).to.equal("rate(1 minute)");
      const rule = run.recorded.one(RULE, "lake-compactor");
      expect(rule.inputs.scheduleExpression).to.equal("rate(15 minutes)");
      const fn = run.recorded.one(FUNCTION, "lake-compactor");
      const permission = run.recorded.one("aws:lambda/permission:Permission", "lake-compactor-schedule");
      expect(permission.inputs).to.deep.include({
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: rule.state.arn,
        function: fn.state.name,
      });
      expect(run.recorded.one("aws:cloudwatch/eventTarget:EventTarget", "lake-compactor").inputs.arn).to.equal(
        fn.state.arn,
      );
    });

    it("grants exactly the contract's calls: shards of the stream, listing the bucket, each prefix its actions, the key through S3", () => {
      const bucket = run.recorded.one(BUCKET, "lake").state.arn;
      const key = run.recorded.one("aws:kms/key:Key", "lake-key").state.arn;
      const logGroup = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "lake-compactor");
      expect(roleStatements(run.recorded, "lake-compactor")).to.have.deep.members([
        { Sid: "Stream", Action: ["kinesis:ListShards"], Resource: [run.outputs.streamArn] },
        { Sid: "LakeBucket", Action: ["s3:ListBucket"], Resource: [bucket] },
        { Sid: "SegmentObjects", Action: ["s3:GetObject", "s3:PutObjectTagging"], Resource: [`${bucket}/tables/*`] },
        { Sid: "ProgressObjects", Action: ["s3:GetObject"], Resource: [`${bucket}/progress/*`] },
        { Sid: "CompactedObjects", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${bucket}/compacted/*`] },
        { Sid: "CompactionState", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`${bucket}/compaction/*`] },
        {
          Sid: "LakeKey",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: [key],
          Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        },
        { Sid: "Logs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroup.state.arn}:*`] },
      ]);
      // Every call of the contract is granted, on the resource it names.
      const granted = roleStatements(run.recorded, "lake-compactor").flatMap((s) => s.Action);
      for (const call of LAKE_COMPACTOR.calls) expect(granted, call.action).to.include(call.action);
    });

    it("expires segment objects tagged as merged a day after they were written, under tables/ only", () => {
      const lake = run.recorded.one(BUCKET, "lake");
      const rules = run.recorded.all(LIFECYCLE).filter((l) => l.inputs.bucket === lake.state.id);
      expect(rules.map((l) => l.inputs.rules)).to.deep.equal([
        [
          {
            id: "lake-compacted-segments",
            status: "Enabled",
            filter: { and: { prefix: "tables/", tags: { [COMPACTED_SEGMENT_TAG.key]: COMPACTED_SEGMENT_TAG.value } } },
            expiration: { days: 1 },
          },
        ],
      ]);
    });

    it("its archive: the compiled runtime, Arrow and Parquet, and aws-embedded-metrics; the SDK comes from the Lambda runtime", async () => {
      expectArchiveContents(await archiveEntries(run.recorded.one(FUNCTION, "lake-compactor")), COMPACTOR_PACKAGES);
    });
  });

  it("part size, memory and a reserved execution from config; retention rules still cover every object", async () => {
    const { recorded } = await runPipeline({
      lakeCompactedPartMiB: "128",
      lakeCompactorMemory: "1024",
      lakeCompactorReservedConcurrency: "true",
      lakeRetentionDays: "400",
      analytics: "false",
    });
    const fn = recorded.one(FUNCTION, "lake-compactor");
    expect(fn.inputs).to.deep.include({ memorySize: 1024, reservedConcurrentExecutions: 1 });
    expect(settingsOf(LAKE_COMPACTOR, functionEnvironment(fn)).COMPACTED_PART_BYTES).to.equal(128 * 1024 * 1024);
    const lake = recorded.one(BUCKET, "lake");
    const rules = recorded
      .all(LIFECYCLE)
      .filter((l) => l.inputs.bucket === lake.state.id)
      .flatMap((l) => l.inputs.rules as { id: string; filter: unknown; expiration: unknown }[]);
    expect(rules.map((r) => [r.id, r.filter, r.expiration])).to.deep.equal([
      ["lake-compacted-segments", { and: { prefix: "tables/", tags: { "lake-compacted": "true" } } }, { days: 1 }],
      // compacted/ and compaction/ age with every other object.
      ["lake-objects", {}, { days: 400 }],
    ]);
  });

  it("off: no compactor, no expiry rule; the views stay (every hour read from the segments)", async () => {
    const { recorded } = await runPipeline({ lakeCompaction: "false", analytics: "false" });
    expect(recorded.all(FUNCTION).map((f) => f.name)).to.not.include("lake-compactor");
    expect(recorded.all("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name)).to.not.include(
      "operations-lake-compaction-behind",
    );
    expect(recorded.all(RULE).map((r) => r.name)).to.not.include("lake-compactor");
    const lake = recorded.one(BUCKET, "lake");
    expect(recorded.all(LIFECYCLE).filter((l) => l.inputs.bucket === lake.state.id)).to.deep.equal([]);
    const views = recorded
      .all("aws:glue/catalogTable:CatalogTable")
      .filter((t) => t.inputs.tableType === "VIRTUAL_VIEW");
    expect(views.map((v) => v.inputs.name)).to.include("records");
  });
});
