/**
 * The whole pipeline from a validated config: the components and how they connect.
 * `index.ts` calls this with the stack's config; tests call it with any config.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AnalyticsConfig, PipelineConfig } from "./config/config";
import { IngestService } from "./ingest/ingest-service";
import { Network } from "./network/network";
import { ProcessingService } from "./processing/processing-service";
import { SchemaRegistry } from "./schemas/schema-registry";
import { HotspotJob } from "./hotspots/hotspot-job";
import { FlinkScaler } from "./scaling/flink-scaler";
import { SearchDomain } from "./search/search-domain";
import { SearchIndexer } from "./search/search-indexer";
import { ReplayTask } from "./replay/replay-task";
import { ShardScaler } from "./scaling/shard-scaler";
import { TopicKey } from "./common/encrypted-topic";
import { Observability } from "./observability/observability";
import { ServiceImage } from "./common/service-image";
import { StreamStorage } from "./stream/stream-storage";
import { applyStackDefaults } from "./common/stack-defaults";
import { Lake } from "./lake/lake";

export interface Pipeline {
  stream: StreamStorage;
  network: Network;
  ingest: IngestService;
  processing: ProcessingService;
  schemas: SchemaRegistry;
  /** Unset when the lake is off. */
  lake?: Lake;
  /** Unset when analytics is off. */
  search?: SearchDomain;
  flink?: HotspotJob;
  replay?: ReplayTask;
  scaler?: ShardScaler;
  /** Unset when analytics or the Flink scaler is off. */
  flinkScaler?: FlinkScaler;
  observability: Observability;
}

export interface PipelineOutputs {
  streamName: pulumi.Output<string>;
  streamArn: pulumi.Output<string>;
  streamKeyArn: pulumi.Output<string>;
  /** https://<ingestDomainName> when set, else http://<load balancer DNS name>. */
  ingestUrl: pulumi.Output<string>;
  /** The load balancer's own name: point ingestDomainName at it when the stack does not manage the zone. */
  ingestLoadBalancerDnsName: pulumi.Output<string>;
  schemaRegistryArn: pulumi.Output<string>;
  schemaArns: Record<string, pulumi.Output<string>>;
  /** The lake's bucket, its Glue database and the Athena workgroup to query it in (unset when the lake is off). */
  lakeBucket?: pulumi.Output<string>;
  lakeDatabase?: pulumi.Output<string>;
  lakeWorkgroup?: pulumi.Output<string>;
  /** OpenSearch Dashboards, where the hot-spot map is (unset when analytics is off). */
  dashboardsUrl?: pulumi.Output<string>;
  /** The secret holding the Dashboards login, the domain's master user (unset when analytics is off). */
  searchMasterUserSecretArn?: pulumi.Output<string>;
  /** The Managed Flink application of the hot-spot job. */
  flinkApplicationName?: pulumi.Output<string>;
  /** The command that starts the taxi replay on Fargate. */
  replayCommand?: pulumi.Output<string>;
  /** With tenants: the secret to put the replay tenant's key in before starting the replay. */
  replayApiKeySecretArn?: pulumi.Output<string>;
  /**
   * With tenants (ingestAuth apiKeys): the tenants table, and the stack's region, which
   * `pulumi stack output --json | npm run tenants -- ... --stack-outputs -` reads.
   */
  tenantsTable?: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /**
   * The topic the shard scaler's alarms notify and that wakes its function: subscribe to
   * see its alarms fire (its decisions, scheduled runs included, are in the function's log).
   */
  scalingTopicArn?: pulumi.Output<string>;
  /** The same for the Flink scaler (unset when analytics or the Flink scaler is off). */
  flinkScalingTopicArn?: pulumi.Output<string>;
  /** The pipeline's CloudWatch dashboard, and the topic its alarms notify. */
  cloudwatchDashboardUrl: pulumi.Output<string>;
  alertsTopicArn: pulumi.Output<string>;
}

export function definePipeline(config: PipelineConfig): Pipeline {
  // The stack's tags and log retention reach every resource from here (stack-defaults.ts).
  applyStackDefaults({ tags: config.tags, logRetentionDays: config.logRetentionDays });
  const stream = new StreamStorage("stream", config.stream);
  const schemas = new SchemaRegistry("schemas", config.schemas);
  // One key encrypts every SNS topic of the stack.
  const topicKey = new TopicKey("topics");
  const scaler = config.stream.scaler
    ? new ShardScaler("shard-scaler", {
        stream,
        ...config.stream.scaler,
        // A scaled stream is PROVISIONED: it has a shard count, the alarms' math starts from it.
        initialShards: config.stream.shardCount!,
        topicKey,
      })
    : undefined;
  const network = new Network("network", { ...config.network, streamArn: stream.arn });
  const cluster = new aws.ecs.Cluster("cluster", { settings: [{ name: "containerInsights", value: "enabled" }] });
  const image = new ServiceImage("services");
  // Both roll only once the registry's latest versions hold the schema files.
  const ingest = new IngestService(
    "ingest",
    { network, cluster, image, stream, schemas, ingest: config.ingest, services: config.services },
    { dependsOn: [schemas.ready] },
  );
  const processing = new ProcessingService(
    "processing",
    { network, cluster, image, stream, schemas, processing: config.processing, services: config.services },
    { dependsOn: [schemas.ready] },
  );
  // The lake reads the stream as its own consumer application, beside processing.
  const lake = config.lake
    ? new Lake(
        "lake",
        {
          network,
          cluster,
          image,
          stream,
          schemas,
          lake: config.lake,
          services: config.services,
          streamRetentionHours: config.stream.retentionHours,
        },
        { dependsOn: [schemas.ready] },
      )
    : undefined;
  const hotspots = config.analytics
    ? analytics(config.analytics, { stream, ingest, network, cluster, image }, topicKey)
    : undefined;
  const observability = new Observability("operations", {
    clusterName: cluster.name,
    stream,
    shards: config.stream.shardCount,
    shardScaler: scaler !== undefined,
    flinkScaler: config.analytics?.flink.scaler !== undefined,
    ingestService: ingest.service.service.name,
    processingService: processing.service?.service.name,
    processingFunction: processing.lambda?.function.name,
    flinkApplication: hotspots?.flink.application.name,
    searchDomain: hotspots?.search.domain.domainName,
    lake: lake && {
      service: lake.service.service.name,
      unstoredAgeBoundMs: lake.unstoredAgeBoundMs,
      compaction: lake.compactor !== undefined,
    },
    alertEmail: config.alertEmail,
    topicKey,
  });
  return { stream, network, ingest, processing, schemas, lake, scaler, observability, ...hotspots };
}

/**
 * The hot-spot analytics: the Flink application reading the stream, the search domain its
 * results land in, and the indexer between them.
 */
function analytics(
  config: AnalyticsConfig,
  parts: {
    stream: StreamStorage;
    ingest: IngestService;
    network: Network;
    cluster: aws.ecs.Cluster;
    image: ServiceImage;
  },
  topicKey: TopicKey,
): { search: SearchDomain; flink: HotspotJob; flinkScaler?: FlinkScaler; replay: ReplayTask } {
  const { stream } = parts;
  const search = new SearchDomain("search", { ...config.search, geohashPrecision: config.job.geohashPrecision });
  const flink = new HotspotJob("analytics", { ...config.flink, stream, job: config.job });
  new SearchIndexer("search-indexer", { results: flink.results, search });
  const flinkScaler = config.flink.scaler
    ? new FlinkScaler("flink-scaler", {
        application: flink.application,
        ...config.flink.scaler,
        topicKey,
      })
    : undefined;
  // Every role that talks to the domain is granted above this line: the policy names them.
  search.writeAccessPolicy();
  const replay = new ReplayTask("replay", {
    ...parts,
    ingestUrl: parts.ingest.url,
    ingestHttps: parts.ingest.https,
    ingestAuth: parts.ingest.tenantsTable !== undefined,
  });
  return { search, flink, flinkScaler, replay };
}

/** The stack outputs a user (and later parts) read with `pulumi stack output`. */
export function pipelineOutputs(p: Pipeline): PipelineOutputs {
  return {
    streamName: p.stream.name,
    streamArn: p.stream.arn,
    streamKeyArn: p.stream.keyArn,
    ingestUrl: p.ingest.url,
    ingestLoadBalancerDnsName: p.ingest.loadBalancerDnsName,
    schemaRegistryArn: p.schemas.arn,
    schemaArns: p.schemas.schemaArns(),
    lakeBucket: p.lake?.bucket.bucket.bucket,
    lakeDatabase: p.lake?.database.name,
    lakeWorkgroup: p.lake?.workgroup.name,
    dashboardsUrl: p.search?.dashboardsUrl,
    searchMasterUserSecretArn: p.search?.masterUserSecret.arn,
    flinkApplicationName: p.flink?.application.name,
    replayCommand: p.replay?.runCommand,
    replayApiKeySecretArn: p.replay?.apiKeySecret?.arn,
    tenantsTable: p.ingest.tenantsTable?.name,
    region: aws.getRegionOutput().region,
    scalingTopicArn: p.scaler?.topic.arn,
    flinkScalingTopicArn: p.flinkScaler?.topic.arn,
    cloudwatchDashboardUrl: p.observability.dashboardUrl,
    alertsTopicArn: p.observability.alerts.arn,
  };
}
