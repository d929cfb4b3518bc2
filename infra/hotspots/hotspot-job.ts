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
import { withAlias } from "../common/aliases";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  APPLICATION_FILES,
  APPLICATION_SOURCES,
  FLINK_CONNECTOR_JAR,
  FLINK_RUNTIME,
  JOB_PROPERTIES_GROUP,
  mavenCentralUrl,
  RUN_OPTIONS,
  RUN_OPTIONS_GROUP,
} from "../../runtime/hotspots/flink-application";
import { hotspotStatements, SqlPlaceholder, statementsFile } from "../../runtime/hotspots/flink-sql";
import { JobConfig } from "../../runtime/hotspots/job-config";
import { FlinkConfig } from "../config/config";
import { CHECKPOINT_INTERVAL_MS, MIN_PAUSE_BETWEEN_CHECKPOINTS_MS } from "./flink-limits";
import { grant } from "../common/grants";
import { privateBucket } from "../common/private-bucket";
import { serviceRole } from "../common/service-role";
import { StreamStorage } from "../stream/stream-storage";

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

/** Where the job's connector makes a call: the trips it reads, the results it writes, or their keys. */
export type ConnectorTarget = "trips" | "tripsKey" | "results" | "resultsKey";

export interface ConnectorCall {
  readonly action: string;
  readonly on: ConnectorTarget;
  /** Which part of the job makes the call. */
  readonly by: string;
  /** Where the call is made: a file and method of the connector's source, or an AWS document. */
  readonly source: string;
}

/** apache/flink-connector-aws at tag v5.0.0, the release in FLINK_CONNECTOR_JAR (5.0.0-1.20). */
const LEGACY_SOURCE =
  "apache/flink-connector-aws v5.0.0 flink-connector-aws/flink-connector-kinesis/src/main/java/org/apache/flink/streaming/connectors/kinesis";
const STREAMS_SINK =
  "apache/flink-connector-aws v5.0.0 flink-connector-aws/flink-connector-aws-kinesis-streams/src/main/java/org/apache/flink/connector/kinesis/sink";
const KINESIS_KMS_DOC = "https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html";

/**
 * Every AWS call the job's connector makes, read from its source: code that runs on
 * Managed Flink, never here, so no test can record these calls; the role gets exactly
 * them (the grants below are derived from this list). The source is the `kinesis-legacy`
 * table source with its default POLLING record publisher (KinesisDataFetcher
 * .createRecordPublisherFactory; EFO, which would add RegisterStreamConsumer and
 * SubscribeToShard, is not configured); the sink is `kinesis` (KinesisStreamsSink).
 * Neither calls DescribeStreamSummary (only the newer `kinesis` source and the EFO
 * publisher do: KinesisStreamProxy, KinesisProxySyncV2) nor PutRecord, ListShards on the
 * results, or CloudWatch: the connector's metrics go through Flink's metric system, which
 * Managed Flink publishes itself (managed-flink/latest/java/monitoring-metrics-custom.html).
 */
export const FLINK_CONNECTOR_CALLS: readonly ConnectorCall[] = [
  {
    action: "kinesis:DescribeStream",
    on: "trips",
    by: "kinesis-legacy source",
    // Cached per stream and proxy; it retries only LimitExceededException, so a denial fails the job.
    source: `${LEGACY_SOURCE}/proxy/KinesisProxy.java lookupStreamArn -> describeStream (before the first getShardsOfStream and getShardIterator)`,
  },
  {
    action: "kinesis:ListShards",
    on: "trips",
    by: "kinesis-legacy source",
    source: `${LEGACY_SOURCE}/proxy/KinesisProxy.java getShardList -> getShardsOfStream -> listShards (shard discovery, every 10 s: ConsumerConfigConstants.DEFAULT_SHARD_DISCOVERY_INTERVAL_MILLIS)`,
  },
  {
    action: "kinesis:GetShardIterator",
    on: "trips",
    by: "kinesis-legacy source",
    source: `${LEGACY_SOURCE}/proxy/KinesisProxy.java getShardIterator (from internals/publisher/polling/PollingRecordPublisher.java)`,
  },
  {
    action: "kinesis:GetRecords",
    on: "trips",
    by: "kinesis-legacy source",
    source: `${LEGACY_SOURCE}/proxy/KinesisProxy.java getRecords (from internals/publisher/polling/PollingRecordPublisher.java)`,
  },
  {
    action: "kms:Decrypt",
    on: "tripsKey",
    by: "Kinesis, for the source's GetRecords on the encrypted trips stream",
    source: KINESIS_KMS_DOC,
  },
  {
    action: "kinesis:PutRecords",
    on: "results",
    by: "kinesis sink",
    source: `${STREAMS_SINK}/KinesisStreamsSinkWriter.java submitRequestEntries -> putRecords`,
  },
  {
    action: "kms:GenerateDataKey",
    on: "resultsKey",
    by: "Kinesis, for the sink's PutRecords on the encrypted results stream",
    source: KINESIS_KMS_DOC,
  },
];

/**
 * The calls of FLINK_CONNECTOR_CALLS on one target, in the list's order, each with who makes
 * it and where: the reasons (usedBy) beside the role's grants, since the IAM check in
 * tests/iam/ cannot record a call the connector makes on Managed Flink.
 */
export function connectorCalls(on: ConnectorTarget): Record<string, string> {
  return Object.fromEntries(
    FLINK_CONNECTOR_CALLS.filter((call) => call.on === on).map((call) => [
      call.action,
      `the Flink job's ${call.by}: ${call.source}`,
    ]),
  );
}

/** The results are small (a few hundred rows per window): one shard, a day of retention. */
const RESULTS_STREAM = { mode: "PROVISIONED", shardCount: 1, retentionHours: 24 } as const;

export interface HotspotJobArgs extends FlinkConfig {
  /** The stream of taxi trips the job reads. */
  stream: StreamStorage;
  job: JobConfig;
}

export class HotspotJob extends pulumi.ComponentResource {
  readonly application: aws.kinesisanalyticsv2.Application;
  readonly results: StreamStorage;
  readonly codeBucket: aws.s3.Bucket;
  readonly code: aws.s3.BucketObjectv2;
  readonly role: aws.iam.Role;

  constructor(name: string, args: HotspotJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "kinesis-pipeline:hotspots:HotspotJob",
      name,
      {},
      withAlias(opts, "kinesis-pipeline:analytics:FlinkAnalytics"),
    );
    const parent = { parent: this };
    // Encrypted with the trips' key: one key to manage, and a configured kmsKeyArn covers both.
    this.results = new StreamStorage(`${name}-results`, { ...RESULTS_STREAM, kmsKeyArn: args.stream.keyArn }, parent);

    this.codeBucket = privateBucket(`${name}-code`, { forceDestroy: args.bucketForceDestroy }, this).bucket;
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
        source: applicationArchive(args.job, args.connectorJar),
      },
      { parent: this, dependsOn: [versioning] },
    );

    const logGroup = new aws.cloudwatch.LogGroup(name, {}, parent);
    const logStream = new aws.cloudwatch.LogStream(name, { logGroupName: logGroup.name }, parent);
    // Where the application logs, and the only log stream its role may write to.
    const logStreamArn = pulumi.interpolate`${logGroup.arn}:log-stream:${logStream.name}`;

    this.role = serviceRole(name, "kinesisanalytics.amazonaws.com", this);
    // Exactly what the connector calls (FLINK_CONNECTOR_CALLS), each with its source as the reason.
    args.stream.grantCalledBy(this.role, name, "FlinkSource", connectorCalls("trips"), connectorCalls("tripsKey"));
    this.results.grantCalledBy(this.role, name, "FlinkSink", connectorCalls("results"), connectorCalls("resultsKey"));
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
 * UDFs, and the connector JAR, which Pulumi fetches at deploy time from Maven Central, or
 * from `connectorJar` (a mirror's https URL, or a file on the deploying machine).
 */
export function applicationArchive(job: JobConfig, connectorJar?: string): pulumi.asset.AssetArchive {
  const statements = statementsFile(hotspotStatements(job));
  return new pulumi.asset.AssetArchive({
    [APPLICATION_FILES.launcher]: new pulumi.asset.FileAsset(APPLICATION_SOURCES.launcher),
    [APPLICATION_FILES.udfs]: new pulumi.asset.FileAsset(APPLICATION_SOURCES.udfs),
    [APPLICATION_FILES.statements]: new pulumi.asset.StringAsset(statements),
    [APPLICATION_FILES.connector]: connectorAsset(connectorJar),
  });
}

/** The connector JAR as an asset: a URL is fetched by Pulumi, a path must exist now. */
export function connectorAsset(source: string | undefined): pulumi.asset.Asset {
  if (source === undefined) return new pulumi.asset.RemoteAsset(mavenCentralUrl(FLINK_CONNECTOR_JAR));
  if (source.startsWith("https://")) return new pulumi.asset.RemoteAsset(source);
  const file = path.resolve(source);
  if (!existsSync(file)) {
    throw new Error(
      `flinkConnectorJar is ${source}, but ${file} does not exist: download ${mavenCentralUrl(FLINK_CONNECTOR_JAR)} there, or pulumi config rm flinkConnectorJar to fetch it from Maven Central`,
    );
  }
  return new pulumi.asset.FileAsset(file);
}
