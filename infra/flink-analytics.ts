/**
 * The hot-spot analytics on Managed Service for Apache Flink: the job of runtime/hotspots/
 * (the SQL rendered from the stack's config, the Python launcher and UDFs, the one
 * connector JAR from Maven Central) in a private, encrypted, versioned bucket; the
 * application that runs it, started on create; and the results stream it writes to, from
 * which the search indexer fills OpenSearch (see runtime/hotspots/flink-sql.ts for why the
 * results take that way).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  APPLICATION_FILES,
  APPLICATION_SOURCES,
  FLINK_CONNECTOR_JAR,
  FLINK_RUNTIME,
  JOB_PROPERTIES_GROUP,
  mavenCentralUrl,
  RUN_OPTIONS,
  RUN_OPTIONS_GROUP,
} from "../runtime/hotspots/flink-application";
import { hotspotStatements, SqlPlaceholder, statementsFile } from "../runtime/hotspots/flink-sql";
import { JobConfig } from "../runtime/hotspots/job-config";
import { FlinkConfig } from "./config";
import { CHECKPOINT_INTERVAL_MS, MIN_PAUSE_BETWEEN_CHECKPOINTS_MS } from "./flink-limits";
import { grant } from "./grants";
import { serviceRole } from "./service-role";
import { StreamStorage } from "./stream";

/**
 * What the Flink connector in the job (flink-sql-connector-kinesis, runtime/hotspots/
 * flink-application.ts) calls with the application's role: code we ship but do not run in
 * the tests, so each call names its source. The kinesis-legacy source reads the trips;
 * the Kinesis Streams sink writes the results.
 */
const FLINK_SOURCE = "apache/flink-connector-aws, flink-connector-kinesis/.../proxy/KinesisProxy.java";
export const FLINK_SOURCE_CALLS: Readonly<Record<string, string>> = {
  "kinesis:ListShards": `the Flink source's shard discovery (getShardsOfStream): ${FLINK_SOURCE}`,
  "kinesis:GetShardIterator": `the Flink source's readers (getShardIterator): ${FLINK_SOURCE}`,
  "kinesis:GetRecords": `the Flink source's readers (getRecords): ${FLINK_SOURCE}`,
};
export const FLINK_SINK_CALLS: Readonly<Record<string, string>> = {
  "kinesis:PutRecords":
    "the Flink Kinesis Streams sink (submitRequestEntries): apache/flink-connector-aws, " +
    "flink-connector-aws-kinesis-streams/.../sink/KinesisStreamsSinkWriter.java",
};
/** Managed Flink reads the code and writes the logs with the application's role. */
const SERVICE_USED_BY =
  "Managed Flink, with the application's service execution role: " +
  "https://docs.aws.amazon.com/managed-flink/latest/java/examples-gs-scala-create-run-cli.html";

/** What the application reads of its code: the one object, at any version. */
export const CODE_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"] as const;
/**
 * What Managed Flink does with the application's log stream on its behalf:
 * https://docs.aws.amazon.com/managed-flink/latest/java/cloudwatch-logs.html
 */
export const FLINK_LOG_ACTIONS = ["logs:PutLogEvents", "logs:DescribeLogStreams"] as const;
export const FLINK_LOG_GROUP_ACTIONS = ["logs:DescribeLogGroups"] as const;

/** The results are small (a few hundred rows per window): one shard, a day of retention. */
const RESULTS_STREAM = { mode: "PROVISIONED", shardCount: 1, retentionHours: 24 } as const;

export interface FlinkAnalyticsArgs extends FlinkConfig {
  /** The stream of taxi trips the job reads. */
  stream: StreamStorage;
  job: JobConfig;
  logRetentionDays: number;
  tags: Record<string, string>;
}

export class FlinkAnalytics extends pulumi.ComponentResource {
  readonly application: aws.kinesisanalyticsv2.Application;
  readonly results: StreamStorage;
  readonly codeBucket: aws.s3.Bucket;
  readonly code: aws.s3.BucketObjectv2;
  readonly role: aws.iam.Role;

  constructor(name: string, args: FlinkAnalyticsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:analytics:FlinkAnalytics", name, {}, opts);
    const parent = { parent: this };
    // Encrypted with the trips' key: one key to manage, and a configured kmsKeyArn covers both.
    this.results = new StreamStorage(
      `${name}-results`,
      { ...RESULTS_STREAM, kmsKeyArn: args.stream.keyArn, tags: args.tags },
      parent,
    );

    this.codeBucket = new aws.s3.Bucket(
      `${name}-code`,
      { forceDestroy: args.bucketForceDestroy, tags: args.tags },
      parent,
    );
    new aws.s3.BucketPublicAccessBlock(
      `${name}-code`,
      {
        bucket: this.codeBucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-code`,
      { bucket: this.codeBucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      parent,
    );
    // Versioned: every deployment is a version the application names, so a bad one rolls back.
    const versioning = new aws.s3.BucketVersioning(
      `${name}-code`,
      { bucket: this.codeBucket.id, versioningConfiguration: { status: "Enabled" } },
      parent,
    );
    this.code = new aws.s3.BucketObjectv2(
      `${name}-code`,
      {
        bucket: this.codeBucket.id,
        key: "hotspots/application.zip",
        source: applicationArchive(args.job),
        tags: args.tags,
      },
      { parent: this, dependsOn: [versioning] },
    );

    const logGroup = new aws.cloudwatch.LogGroup(
      name,
      { retentionInDays: args.logRetentionDays, tags: args.tags },
      parent,
    );
    const logStream = new aws.cloudwatch.LogStream(name, { logGroupName: logGroup.name }, parent);
    // Where the application logs, and the only log stream its role may write to.
    const logStreamArn = pulumi.interpolate`${logGroup.arn}:log-stream:${logStream.name}`;

    this.role = serviceRole(name, "kinesisanalytics.amazonaws.com", args.tags, this);
    args.stream.grantCalledBy(this.role, name, "FlinkSource", FLINK_SOURCE_CALLS);
    this.results.grantCalledBy(this.role, name, "FlinkSink", FLINK_SINK_CALLS);
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    grant(
      `${name}-application`,
      this.role,
      [
        {
          sid: "Code",
          actions: CODE_READ_ACTIONS,
          resources: [pulumi.interpolate`${this.codeBucket.arn}/${this.code.key}`],
          usedBy: SERVICE_USED_BY,
        },
        {
          sid: "LogStream",
          actions: FLINK_LOG_ACTIONS,
          resources: [logStreamArn],
          usedBy: SERVICE_USED_BY,
        },
        {
          sid: "LogGroups",
          actions: FLINK_LOG_GROUP_ACTIONS,
          resources: [pulumi.interpolate`arn:aws:logs:${region}:${account}:log-group:*`],
          usedBy: SERVICE_USED_BY,
        },
      ],
      this,
    );

    const properties: Record<SqlPlaceholder, pulumi.Input<string>> = {
      stream: args.stream.name,
      region,
      initialPosition: args.initialPosition,
      resultsStreamArn: this.results.arn,
    };
    this.application = new aws.kinesisanalyticsv2.Application(
      name,
      {
        runtimeEnvironment: FLINK_RUNTIME,
        serviceExecutionRole: this.role.arn,
        startApplication: true,
        applicationConfiguration: {
          applicationCodeConfiguration: {
            codeContentType: "ZIPFILE",
            codeContent: {
              s3ContentLocation: {
                bucketArn: this.codeBucket.arn,
                fileKey: this.code.key,
                objectVersion: this.code.versionId,
              },
            },
          },
          environmentProperties: {
            propertyGroups: [
              { propertyGroupId: RUN_OPTIONS_GROUP, propertyMap: { ...RUN_OPTIONS } },
              { propertyGroupId: JOB_PROPERTIES_GROUP, propertyMap: properties },
            ],
          },
          flinkApplicationConfiguration: {
            checkpointConfiguration: {
              configurationType: "CUSTOM",
              checkpointingEnabled: true,
              checkpointInterval: CHECKPOINT_INTERVAL_MS,
              minPauseBetweenCheckpoints: MIN_PAUSE_BETWEEN_CHECKPOINTS_MS,
            },
            monitoringConfiguration: { configurationType: "CUSTOM", logLevel: "INFO", metricsLevel: "APPLICATION" },
            parallelismConfiguration: {
              configurationType: "CUSTOM",
              parallelism: args.parallelism,
              parallelismPerKpu: args.parallelismPerKpu,
              autoScalingEnabled: args.autoScaling,
            },
          },
          // Snapshots on: an update or a stop keeps the windows' state.
          applicationSnapshotConfiguration: { snapshotsEnabled: true },
          runConfiguration: {
            applicationRestoreConfiguration: { applicationRestoreType: "RESTORE_FROM_LATEST_SNAPSHOT" },
          },
        },
        cloudwatchLoggingOptions: { logStreamArn },
        tags: args.tags,
      },
      {
        parent: this,
        // Built-in autoscaling or the Flink scaler changes the parallelism in place: `pulumi up` must not undo it.
        ignoreChanges:
          args.autoScaling || args.scaler
            ? ["applicationConfiguration.flinkApplicationConfiguration.parallelismConfiguration.parallelism"]
            : [],
      },
    );
    this.registerOutputs({ applicationName: this.application.name, resultsStream: this.results.name });
  }
}

/**
 * The application's zip: the launcher, the statements rendered from the job's config, the
 * UDFs, and the connector JAR, which Pulumi downloads from Maven Central at deploy time.
 */
export function applicationArchive(job: JobConfig): pulumi.asset.AssetArchive {
  const statements = statementsFile(hotspotStatements(job));
  return new pulumi.asset.AssetArchive({
    [APPLICATION_FILES.launcher]: new pulumi.asset.FileAsset(APPLICATION_SOURCES.launcher),
    [APPLICATION_FILES.udfs]: new pulumi.asset.FileAsset(APPLICATION_SOURCES.udfs),
    [APPLICATION_FILES.statements]: new pulumi.asset.StringAsset(statements),
    [APPLICATION_FILES.connector]: new pulumi.asset.RemoteAsset(mavenCentralUrl(FLINK_CONNECTOR_JAR)),
  });
}
