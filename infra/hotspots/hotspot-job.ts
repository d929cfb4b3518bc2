/**
 * The hot-spot analytics on Managed Service for Apache Flink: the job of runtime/hotspots/
 * (the SQL rendered from the stack's config, the Python launcher and UDFs, the one
 * connector JAR from Maven Central) in a private, encrypted, versioned bucket; the
 * application that runs it, started on create; and the results stream it writes to, from
 * which the search indexer fills OpenSearch (see runtime/hotspots/flink-sql.ts for why the
 * results take that way). Its contract (runtime/hotspots/job-contract.ts) gives the
 * application's properties and the calls its connector makes, which the role gets exactly.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withAlias } from "../common/aliases";
import { existsSync } from "node:fs";
import path from "node:path";
import { reasonsOn } from "../../runtime/common/contract";
import {
  APPLICATION_FILES,
  APPLICATION_SOURCES,
  FLINK_CONNECTOR_JAR,
  FLINK_RUNTIME,
  HOTSPOT_JOB,
  JOB_PROPERTIES_GROUP,
  jobStatements,
  mavenCentralUrl,
  RUN_OPTIONS,
  RUN_OPTIONS_GROUP,
} from "../../runtime/hotspots/job-contract";
import { JobConfig } from "../../runtime/hotspots/job-config";
import { FlinkConfig } from "./hotspot-config";
import { CHECKPOINT_INTERVAL_MS, MIN_PAUSE_BETWEEN_CHECKPOINTS_MS } from "./flink-limits";
import { grant } from "../common/grants";
import { partEnvironment } from "../common/part-environment";
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
    // Exactly what the connector calls (the contract's calls), each with its source as the reason.
    const calls = (on: "trips" | "tripsKey" | "results" | "resultsKey") => reasonsOn(HOTSPOT_JOB, on);
    args.stream.grantCalledBy(this.role, name, "FlinkSource", calls("trips"), calls("tripsKey"));
    this.results.grantCalledBy(this.role, name, "FlinkSink", calls("results"), calls("resultsKey"));
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

    // The statements' placeholders, as the launcher reads them from the job's property group.
    const properties = partEnvironment(HOTSPOT_JOB, {
      stream: args.stream.name,
      region,
      initialPosition: args.initialPosition,
      resultsStreamArn: this.results.arn,
    }).variables;
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
  const statements = jobStatements(job);
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
