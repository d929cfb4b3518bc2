/**
 * The hot-spot job's contract: the job of runtime/hotspots/ as a Managed Service for Apache
 * Flink application. Its entry point is the Python launcher (flink/main.py) with the
 * statements rendered from the job's settings (flink-sql.ts); its "environment" is the
 * application properties of the HotspotJob group, the statements' ${placeholders}; its AWS
 * calls are the Kinesis connector's (code that runs on Managed Flink, never here); its
 * metrics are those Managed Flink publishes for the application. The infra
 * (infra/hotspots/hotspot-job.ts) builds the application from this; the tests check the
 * launcher reads what it promises.
 */
import path from "node:path";
import { defineContract, emits } from "../common/contract";
import { matching, oneOf } from "../common/env";
import { STREAM_VARIABLES } from "../common/service-variables";
import { REPO_ROOT } from "../common/repo-root";
import { FLINK_METRICS, SKIPPED_TRIPS_METRIC } from "../observability/metrics/flink";
import { hotspotStatements, SQL_PLACEHOLDERS, SqlPlaceholder, statementsFile } from "./flink-sql";
import { JobConfig } from "./job-config";

/**
 * The newest Flink that Managed Flink runs Python on and this job can run on: Managed Flink
 * also runs 2.2, but the job needs a Kinesis source that de-aggregates KPL records (the
 * legacy FlinkKinesisConsumer, `kinesis-legacy`), and we found none released for Flink 2.x;
 * nor an OpenSearch connector for 2.x (flink-connector-opensearch was still building
 * against 2.x snapshots). Python applications are documented on 1.20 (Python 3.11):
 * https://docs.aws.amazon.com/managed-flink/latest/java/how-python.html
 */
export const FLINK_RUNTIME = "FLINK-1_20";

/**
 * The one connector JAR: org.apache.flink:flink-sql-connector-kinesis, the AWS connectors'
 * release 5.0.0 built for Flink 1.20. It holds the `kinesis-legacy` source (which
 * de-aggregates KPL records) and, shaded in, the `kinesis` sink (KinesisStreamsSink). Not
 * fetched on this machine (no Maven Central here): Pulumi downloads it at deploy time.
 */
export const FLINK_CONNECTOR_JAR = {
  group: "org.apache.flink",
  artifact: "flink-sql-connector-kinesis",
  version: "5.0.0-1.20",
} as const;

export function mavenCentralUrl(jar: { group: string; artifact: string; version: string }): string {
  const file = `${jar.artifact}-${jar.version}.jar`;
  return `https://repo1.maven.org/maven2/${jar.group.replace(/\./g, "/")}/${jar.artifact}/${jar.version}/${file}`;
}

/** Where each file sits in the application's zip. */
export const APPLICATION_FILES = {
  launcher: "main.py",
  statements: "hotspots.sql",
  udfs: "hotspot_udfs.py",
  connector: `lib/${FLINK_CONNECTOR_JAR.artifact}-${FLINK_CONNECTOR_JAR.version}.jar`,
} as const;

/** The sources of the files shipped as they are (from the repository: tsc copies no .py). */
export const APPLICATION_SOURCES = {
  launcher: path.join(REPO_ROOT, "runtime", "hotspots", "flink", "main.py"),
  udfs: path.join(REPO_ROOT, "runtime", "hotspots", "udf", "hotspot_udfs.py"),
} as const;

/** The property group Managed Flink reads to start a Python application. */
export const RUN_OPTIONS_GROUP = "kinesis.analytics.flink.run.options";
/** The launcher's own group: the SQL placeholders' values (flink/main.py: JOB_GROUP). */
export const JOB_PROPERTIES_GROUP = "HotspotJob";

export const RUN_OPTIONS = {
  python: APPLICATION_FILES.launcher,
  jarfile: APPLICATION_FILES.connector,
  pyFiles: APPLICATION_FILES.udfs,
} as const;

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
 * Managed Flink, never here, so no test can record these calls; they are the job's calls
 * in its contract (with the source as madeBy) and the role gets exactly them
 * (infra/hotspots/hotspot-job.ts). The source is the `kinesis-legacy`
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

/** The application properties the launcher puts in place of the statements' placeholders (flink/main.py). */
export const JOB_PROPERTIES = {
  stream: { ...STREAM_VARIABLES.STREAM_NAME, purpose: SQL_PLACEHOLDERS.stream },
  region: { ...STREAM_VARIABLES.AWS_REGION, purpose: SQL_PLACEHOLDERS.region },
  initialPosition: { ...oneOf("TRIM_HORIZON", "LATEST"), purpose: SQL_PLACEHOLDERS.initialPosition },
  resultsStreamArn: {
    ...matching(/^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]{1,128}$/, "a Kinesis stream ARN"),
    purpose: SQL_PLACEHOLDERS.resultsStreamArn,
  },
} satisfies Record<SqlPlaceholder, unknown>;

export const HOTSPOT_JOB = defineContract({
  part: "hotspotJob",
  purpose: "the hot-spot job on Managed Flink: windows of pickups per geohash cell, to a results stream",
  entry: {
    kind: "flink",
    runtime: FLINK_RUNTIME,
    runOptionsGroup: RUN_OPTIONS_GROUP,
    runOptions: RUN_OPTIONS,
    propertiesGroup: JOB_PROPERTIES_GROUP,
  },
  variables: JOB_PROPERTIES,
  resources: {
    trips: { named: ["stream"] },
    /** The trips stream's key: Kinesis uses it for the source's reads. */
    tripsKey: { named: [] },
    results: { named: ["resultsStreamArn"] },
    resultsKey: { named: [] },
  },
  calls: FLINK_CONNECTOR_CALLS.map((call) => ({
    action: call.action,
    on: call.on,
    madeBy: `the Flink job's ${call.by}: ${call.source}`,
  })),
  metrics: [
    emits(FLINK_METRICS, { Application: "the application's name" }),
    emits([SKIPPED_TRIPS_METRIC], { Application: "the application's name", Reason: "the trip's problem" }),
  ],
});

/** The job's statements file (hotspots.sql) for its settings: what the application zip holds. */
export function jobStatements(job: JobConfig): string {
  return statementsFile(hotspotStatements(job));
}
