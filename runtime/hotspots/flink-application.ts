/**
 * The hot-spot job as a Managed Service for Apache Flink application: which runtime, which
 * connector, and how the application's files and properties are laid out. The infra
 * (infra/hotspots/hotspot-job.ts) builds the application from these; the tests check the
 * launcher (flink/main.py) reads what they promise.
 */
import path from "node:path";
import { REPO_ROOT } from "../common/repo-root";

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
