/**
 * Every config key the program reads: its type, default, description and what values it
 * allows. This table is the source of truth: `Pulumi.yaml` declares the same keys (a test
 * holds them equal) and the README's config reference is checked against `Pulumi.yaml`.
 */
import { STREAM_LIMITS, STREAM_MODES, StreamMode } from "../../runtime/stream/limits";
import {
  acmCertificateArn,
  cidrList,
  clientCidr,
  integerFrom,
  integerIn,
  jarSource,
  kmsKeyArn,
  matching,
  no,
  ok,
  oneOf,
  Parsed,
  tags,
} from "./config-parsers";
import { JOB_DEFAULTS, JOB_LIMITS } from "../../runtime/hotspots/job-config";
import { FLINK_CONNECTOR_JAR, mavenCentralUrl } from "../../runtime/hotspots/job-contract";
import {
  DEFAULT_ENGINE_VERSION,
  DEFAULT_INSTANCE_TYPE,
  ENGINE_VERSION,
  INSTANCE_TYPE,
  NO_FINE_GRAINED_ACCESS_FAMILIES,
  runsFineGrainedAccessControl,
  SEARCH_LIMITS,
  WIDEST_CLIENT_CIDR_PREFIX,
} from "../search/search-limits";
import { FLINK_LIMITS } from "../hotspots/flink-limits";
import { dnsName, hostedZoneId } from "../ingest/dns-name";
import { FLINK_SCALING_DEFAULTS, FLINK_SCALING_RANGES } from "../../runtime/scaling/flink-policy";
import { FARGATE_CPUS, LOG_RETENTION_DAYS } from "../common/fargate";
import { ACCESS_LOG_LIMITS } from "../ingest/elb-log-delivery";
import { shippedSchemas } from "../../runtime/schemas/shipped-schemas";
import { Compatibility, COMPATIBILITY_MODES } from "../../runtime/schemas/compatibility-mode";

export interface ConfigKey<T> {
  /** The key without the project namespace, as in `pulumi config set <name>`. */
  name: string;
  /** The type declared in Pulumi.yaml (Pulumi's project config knows no object type). */
  type: "string" | "integer" | "boolean" | "array";
  /** For arrays: the type of their items. */
  items?: { type: "string" };
  /**
   * Declared in Pulumi.yaml in this form, so the Pulumi CLI applies it before the program
   * runs; the program parses it like any value a user sets (arrays arrive as JSON).
   */
  default?: string | number | readonly string[];
  /**
   * Optional keys declare `default: ""` and treat the empty string as unset: the Pulumi CLI
   * refuses to run a stack that lacks a declared key without a default (pulumi/pulumi#11321
   * also rules out object types), so "" is how Pulumi.yaml says "not set".
   */
  optional?: true;
  description: string;
  parse(raw: string): Parsed<T>;
}

export const DEFAULT_PROVISIONED_SHARDS = 4;
/** Unset maxShards: room for two doublings above the configured shard count. */
export const DEFAULT_MAX_SHARDS_FACTOR = 4;

export const CONFIG_KEYS = {
  streamMode: {
    name: "streamMode",
    type: "string",
    default: "PROVISIONED",
    description:
      "Capacity mode of the Kinesis stream: PROVISIONED (you choose shardCount) or ON_DEMAND (AWS scales it; no shardCount).",
    parse: oneOf(STREAM_MODES),
  } satisfies ConfigKey<StreamMode>,
  shardCount: {
    name: "shardCount",
    // A string, not an integer: an unset count must stay distinguishable from 4 so that
    // ON_DEMAND with a shard count is an error, and integer keys need a non-empty default.
    type: "string",
    default: "",
    optional: true,
    description: `Number of shards of a PROVISIONED stream, ${STREAM_LIMITS.minShardCount}..${STREAM_LIMITS.maxShardCount} (default ${DEFAULT_PROVISIONED_SHARDS}). Each shard takes 1 MiB/s or 1,000 records/s in. Must not be set with ON_DEMAND.`,
    parse: integerIn(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount),
  } satisfies ConfigKey<number>,
  retentionHours: {
    name: "retentionHours",
    type: "integer",
    default: STREAM_LIMITS.minRetentionHours,
    description: `How long the stream keeps records, in hours: ${STREAM_LIMITS.minRetentionHours}..${STREAM_LIMITS.maxRetentionHours}.`,
    parse: integerIn(STREAM_LIMITS.minRetentionHours, STREAM_LIMITS.maxRetentionHours),
  } satisfies ConfigKey<number>,
  kmsKeyArn: {
    name: "kmsKeyArn",
    type: "string",
    default: "",
    optional: true,
    description:
      "ARN of an existing KMS key that encrypts the stream. Unset: the stack creates a customer-managed key with yearly rotation.",
    parse: kmsKeyArn,
  } satisfies ConfigKey<string>,
  tags: {
    name: "tags",
    type: "string",
    default: "{}",
    description: `Tags for every resource, as a JSON object string: pulumi config set tags '{"team":"data"}'.`,
    parse: tags,
  } satisfies ConfigKey<Record<string, string>>,
  natGateways: {
    name: "natGateways",
    type: "integer",
    default: 1,
    description:
      "NAT gateways of the VPC, through which tasks in private subnets reach AWS: 1 (one shared, cheaper) or 2 (one per availability zone, survives a zone outage).",
    parse: integerIn(1, 2),
  } satisfies ConfigKey<number>,
  flowLogs: {
    name: "flowLogs",
    type: "string",
    default: "on",
    description:
      "on: the VPC's flow logs (every accepted and rejected connection) go to a CloudWatch Logs group kept logRetentionDays. off: no flow logs (they cost CloudWatch Logs ingestion).",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  ingestAllowedCidrs: {
    name: "ingestAllowedCidrs",
    type: "array",
    items: { type: "string" },
    default: ["0.0.0.0/0"],
    description:
      "IPv4 CIDR blocks allowed to reach the ingest load balancer. Open to the internet by default, as in the reference architecture: restrict it with pulumi config set --path 'ingestAllowedCidrs[0]' 203.0.113.0/24.",
    parse: cidrList,
  } satisfies ConfigKey<string[]>,
  certificateArn: {
    name: "certificateArn",
    type: "string",
    default: "",
    optional: true,
    description:
      "An ACM certificate (in the stack's region) that covers ingestDomainName, for the HTTPS listener. Unset with ingestHostedZoneId: the stack requests and validates one. Needs ingestDomainName.",
    parse: acmCertificateArn,
  } satisfies ConfigKey<string>,
  ingestDomainName: {
    name: "ingestDomainName",
    type: "string",
    default: "",
    optional: true,
    description:
      "A DNS name of your own for the ingest API, e.g. ingest.example.com. Set: HTTPS on 443 (TLS 1.2+) under this name, port 80 redirects to it; needs ingestHostedZoneId or certificateArn. Unset: HTTP on 80 at the load balancer's own name.",
    parse: dnsName,
  } satisfies ConfigKey<string>,
  ingestHostedZoneId: {
    name: "ingestHostedZoneId",
    type: "string",
    default: "",
    optional: true,
    description:
      "The Route 53 public hosted zone of ingestDomainName, e.g. Z0123456789ABCDEFGHIJ: the stack creates the name's alias record to the load balancer, and a DNS-validated certificate unless certificateArn is set. Unset: point the name at ingestLoadBalancerDnsName yourself.",
    parse: hostedZoneId,
  } satisfies ConfigKey<string>,
  ingestAckMode: {
    name: "ingestAckMode",
    type: "string",
    default: "durable",
    description:
      "durable: the ingest API answers 200 once a record is stored in Kinesis. buffered: it answers 202 at once (lower latency; a record that then fails is logged and counted, but the client was already told yes).",
    parse: oneOf(["durable", "buffered"] as const),
  } satisfies ConfigKey<"durable" | "buffered">,
  ingestCpu: {
    name: "ingestCpu",
    type: "integer",
    default: 512,
    description: `CPU units of an ingest task (${FARGATE_CPUS.join(", ")}); must fit ingestMemory as Fargate allows.`,
    parse: integerFrom(FARGATE_CPUS),
  } satisfies ConfigKey<number>,
  ingestMemory: {
    name: "ingestMemory",
    type: "integer",
    default: 1024,
    description: "Memory of an ingest task in MiB, a size Fargate allows with ingestCpu.",
    parse: integerIn(512, 122880),
  } satisfies ConfigKey<number>,
  ingestMinTasks: {
    name: "ingestMinTasks",
    type: "integer",
    default: 2,
    description: "Fewest ingest tasks (the CPU target tracking never goes below it): 1..100.",
    parse: integerIn(1, 100),
  } satisfies ConfigKey<number>,
  ingestMaxTasks: {
    name: "ingestMaxTasks",
    type: "integer",
    default: 10,
    description: "Most ingest tasks: 1..100, at least ingestMinTasks.",
    parse: integerIn(1, 100),
  } satisfies ConfigKey<number>,
  ingestAccessLogDays: {
    name: "ingestAccessLogDays",
    type: "integer",
    default: ACCESS_LOG_LIMITS.defaultDays,
    description: `Days the ingest load balancer's access logs stay in their S3 bucket before they expire: ${ACCESS_LOG_LIMITS.minDays}..${ACCESS_LOG_LIMITS.maxDays}.`,
    parse: integerIn(ACCESS_LOG_LIMITS.minDays, ACCESS_LOG_LIMITS.maxDays),
  } satisfies ConfigKey<number>,
  scaleOutCooldownSeconds: {
    name: "scaleOutCooldownSeconds",
    type: "integer",
    default: 60,
    description: "Seconds after a scale-out before the services' CPU target tracking scales out again: 0..3600.",
    parse: integerIn(0, 3600),
  } satisfies ConfigKey<number>,
  scaleInCooldownSeconds: {
    name: "scaleInCooldownSeconds",
    type: "integer",
    default: 300,
    description: "Seconds after a scale-in before the services scale in again: 0..3600.",
    parse: integerIn(0, 3600),
  } satisfies ConfigKey<number>,
  logRetentionDays: {
    name: "logRetentionDays",
    type: "integer",
    default: 30,
    description:
      "Days the services' CloudWatch log groups keep logs (a period CloudWatch Logs accepts, e.g. 7, 30, 90, 365).",
    parse: integerFrom(LOG_RETENTION_DAYS),
  } satisfies ConfigKey<number>,
  processingMode: {
    name: "processingMode",
    type: "string",
    default: "fargate",
    description:
      "fargate: KCL-style workers on Fargate (leases in DynamoDB, enhanced fan-out). lambda: the same record processor in a Lambda behind an event source mapping.",
    parse: oneOf(["fargate", "lambda"] as const),
  } satisfies ConfigKey<"fargate" | "lambda">,
  processingRetrieval: {
    name: "processingRetrieval",
    type: "string",
    default: "fanout",
    description:
      "How Fargate workers read: fanout (enhanced fan-out, 2 MiB/s per shard for this consumer alone) or polling (GetRecords, sharing the shard's 2 MiB/s and 5 calls/s).",
    parse: oneOf(["fanout", "polling"] as const),
  } satisfies ConfigKey<"fanout" | "polling">,
  processingInitialPosition: {
    name: "processingInitialPosition",
    type: "string",
    default: "TRIM_HORIZON",
    description:
      "Where processing starts on a shard without checkpoint: TRIM_HORIZON (oldest retained record) or LATEST.",
    parse: oneOf(["TRIM_HORIZON", "LATEST"] as const),
  } satisfies ConfigKey<"TRIM_HORIZON" | "LATEST">,
  processingCpu: {
    name: "processingCpu",
    type: "integer",
    default: 512,
    description: `CPU units of a processing task (${FARGATE_CPUS.join(", ")}); must fit processingMemory.`,
    parse: integerFrom(FARGATE_CPUS),
  } satisfies ConfigKey<number>,
  processingMemory: {
    name: "processingMemory",
    type: "integer",
    default: 1024,
    description: "Memory of a processing task in MiB, a size Fargate allows with processingCpu.",
    parse: integerIn(512, 122880),
  } satisfies ConfigKey<number>,
  processingMinTasks: {
    name: "processingMinTasks",
    type: "integer",
    default: 2,
    description: "Fewest processing workers: 1..100. Two keep processing going while one restarts.",
    parse: integerIn(1, 100),
  } satisfies ConfigKey<number>,
  processingMaxTasks: {
    name: "processingMaxTasks",
    type: "integer",
    default: 4,
    description:
      "Most processing workers: 1..100, at least processingMinTasks. Workers beyond the shard count hold no lease.",
    parse: integerIn(1, 100),
  } satisfies ConfigKey<number>,
  leaseDeletionProtection: {
    name: "leaseDeletionProtection",
    type: "string",
    default: "on",
    description:
      "on: DynamoDB refuses to delete the processing lease table (its checkpoints), so pulumi destroy stops there until you set it off and run pulumi up. off: destroy deletes it (dev stacks).",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  lambdaBatchSize: {
    name: "lambdaBatchSize",
    type: "integer",
    default: 100,
    description: "lambda mode: most Kinesis records per invocation, 1..10000.",
    parse: integerIn(1, 10_000),
  } satisfies ConfigKey<number>,
  lambdaBatchingWindowSeconds: {
    name: "lambdaBatchingWindowSeconds",
    type: "integer",
    default: 1,
    description: "lambda mode: seconds to gather records before invoking, 0..300.",
    parse: integerIn(0, 300),
  } satisfies ConfigKey<number>,
  lambdaMaxRetryAttempts: {
    name: "lambdaMaxRetryAttempts",
    type: "integer",
    default: 3,
    description: "lambda mode: retries of a failing batch before it goes to the on-failure queue, 0..10000.",
    parse: integerIn(0, 10_000),
  } satisfies ConfigKey<number>,
  lambdaMaxRecordAgeSeconds: {
    name: "lambdaMaxRecordAgeSeconds",
    type: "integer",
    default: 3600,
    description: "lambda mode: records older than this go to the on-failure queue, 60..604800.",
    parse: integerIn(60, 604_800),
  } satisfies ConfigKey<number>,
  lambdaParallelizationFactor: {
    name: "lambdaParallelizationFactor",
    type: "integer",
    default: 1,
    description: "lambda mode: concurrent batches per shard, 1..10 (order is kept per partition key).",
    parse: integerIn(1, 10),
  } satisfies ConfigKey<number>,
  schemaCompatibility: {
    name: "schemaCompatibility",
    type: "string",
    default: "BACKWARD",
    description: `Compatibility mode of every schema in the Glue Schema Registry: ${COMPATIBILITY_MODES.join(", ")}. BACKWARD: consumers on a new version can read data written with the previous one.`,
    parse: oneOf(COMPATIBILITY_MODES),
  } satisfies ConfigKey<Compatibility>,
  schemaAutoRegistration: {
    name: "schemaAutoRegistration",
    type: "string",
    default: "off",
    description:
      "on: the ingest service may register new schema versions (checked by Glue under schemaCompatibility). off: only `pulumi up` registers versions, from schemas/.",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  ingestSchema: {
    name: "ingestSchema",
    type: "string",
    default: "",
    optional: true,
    description:
      "A schema of schemas/ (file name without .json) that ingest enforces: invalid data gets 422, valid data is stored in the Glue wire format with its schema version id. Unset: records are stored as sent. Needs analytics off: the Flink job reads plain JSON.",
    parse: oneOf(shippedSchemas().map((s) => s.name)),
  } satisfies ConfigKey<string>,
  shardScaler: {
    name: "shardScaler",
    type: "string",
    default: "on",
    description:
      "on (PROVISIONED streams): the shard scaler sizes the stream between minShards and maxShards from its usage factor, and pulumi up stops managing the live shard count. off: the shard count is shardCount.",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  minShards: {
    name: "minShards",
    type: "integer",
    default: 1,
    description: `Fewest shards the scaler goes down to: ${STREAM_LIMITS.minShardCount}..${STREAM_LIMITS.maxShardCount}, at most the shard count.`,
    parse: integerIn(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount),
  } satisfies ConfigKey<number>,
  maxShards: {
    name: "maxShards",
    // A string: unset means "four times the shard count", which an integer default cannot say.
    type: "string",
    default: "",
    optional: true,
    description: `Most shards the scaler goes up to: ${STREAM_LIMITS.minShardCount}..${STREAM_LIMITS.maxShardCount}, at least the shard count (default ${DEFAULT_MAX_SHARDS_FACTOR} times it; mind the account's shard quota).`,
    parse: integerIn(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount),
  } satisfies ConfigKey<number>,
  shardScalerDryRun: {
    name: "shardScalerDryRun",
    type: "string",
    default: "off",
    description:
      "on: the shard scaler decides and logs each decision but changes nothing (to watch it before trusting it).",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  alertEmail: {
    name: "alertEmail",
    type: "string",
    default: "",
    optional: true,
    description:
      "An e-mail address the pipeline's alarms are sent to (SNS asks it to confirm once). Unset: alarms go to the alerts topic only.",
    parse: matching(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an e-mail address such as ops@example.com"),
  } satisfies ConfigKey<string>,
  analytics: {
    name: "analytics",
    type: "string",
    default: "on",
    description:
      "on: the taxi hot-spot analytics (OpenSearch domain with Dashboards, and its setup); needs searchClientCidr. off: none of it.",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  searchClientCidr: {
    name: "searchClientCidr",
    type: "string",
    default: "",
    optional: true,
    description: `Required with analytics on: the IPv4 CIDR whose browsers may open the OpenSearch Dashboards login (the reference's ClientIpAddressRange), /${WIDEST_CLIENT_CIDR_PREFIX} to /32, e.g. 203.0.113.7/32. Find yours with curl https://checkip.amazonaws.com.`,
    parse: clientCidr(WIDEST_CLIENT_CIDR_PREFIX),
  } satisfies ConfigKey<string>,
  searchEngineVersion: {
    name: "searchEngineVersion",
    type: "string",
    default: DEFAULT_ENGINE_VERSION,
    description: `Engine of the OpenSearch domain: OpenSearch_<major>.<minor> (default the newest, ${DEFAULT_ENGINE_VERSION}). Elasticsearch engines are refused: the domain's setup speaks OpenSearch's APIs.`,
    parse: matching(
      ENGINE_VERSION,
      `OpenSearch_<major>.<minor> (e.g. ${DEFAULT_ENGINE_VERSION}; Elasticsearch engines are not supported)`,
    ),
  } satisfies ConfigKey<string>,
  searchInstanceType: {
    name: "searchInstanceType",
    type: "string",
    default: DEFAULT_INSTANCE_TYPE,
    description: `Instance type of the OpenSearch data nodes (default ${DEFAULT_INSTANCE_TYPE}, for dev; e.g. m7g.large.search or r7g.large.search for production). The ${NO_FINE_GRAINED_ACCESS_FAMILIES.join(", ")} families cannot run fine-grained access control and are refused.`,
    parse: (raw) =>
      INSTANCE_TYPE.test(raw) && runsFineGrainedAccessControl(raw)
        ? ok(raw)
        : no(
            "an OpenSearch instance type that runs fine-grained access control " +
              `(not ${NO_FINE_GRAINED_ACCESS_FAMILIES.join(", ")}), such as t3.small.search or r7g.large.search`,
          ),
  } satisfies ConfigKey<string>,
  searchInstanceCount: {
    name: "searchInstanceCount",
    type: "integer",
    default: 1,
    description: `OpenSearch data nodes: 1..${SEARCH_LIMITS.maxDataNodes}. With 2 or more, each index gets a replica and the nodes spread over two availability zones.`,
    parse: integerIn(1, SEARCH_LIMITS.maxDataNodes),
  } satisfies ConfigKey<number>,
  searchVolumeGb: {
    name: "searchVolumeGb",
    type: "integer",
    default: SEARCH_LIMITS.minVolumeGb,
    description: `gp3 volume per OpenSearch data node in GiB: ${SEARCH_LIMITS.minVolumeGb}..${SEARCH_LIMITS.maxVolumeGb}, within what the instance type allows (t3.small.search: 100).`,
    parse: integerIn(SEARCH_LIMITS.minVolumeGb, SEARCH_LIMITS.maxVolumeGb),
  } satisfies ConfigKey<number>,
  hotspotWindowMinutes: {
    name: "hotspotWindowMinutes",
    type: "integer",
    default: JOB_DEFAULTS.windowMinutes,
    description: `Tumbling window of the hot-spot job in minutes: ${JOB_LIMITS.windowMinutes}. The default suits the shipped sample (see runtime/hotspots/job-config.ts).`,
    parse: integerIn(1, 1440),
  } satisfies ConfigKey<number>,
  hotspotGeohashPrecision: {
    name: "hotspotGeohashPrecision",
    type: "integer",
    default: JOB_DEFAULTS.geohashPrecision,
    description: `Geohash length of a hot-spot cell: ${JOB_LIMITS.geohashPrecision}; 6 is about 1.2 x 0.6 km in New York.`,
    parse: integerIn(1, 12),
  } satisfies ConfigKey<number>,
  hotspotMinTrips: {
    name: "hotspotMinTrips",
    type: "integer",
    default: JOB_DEFAULTS.minTrips,
    description: `Pickups in a cell and window that make it a hot spot: ${JOB_LIMITS.minTrips}.`,
    parse: integerIn(1, 1_000_000),
  } satisfies ConfigKey<number>,
  flinkParallelism: {
    name: "flinkParallelism",
    type: "integer",
    default: 1,
    description: `Parallelism of the hot-spot Flink application (at most ${FLINK_LIMITS.maxKpus} KPUs: flinkParallelism / flinkParallelismPerKpu, rounded up). Built-in autoscaling changes it within the application.`,
    parse: integerIn(1, FLINK_LIMITS.maxKpus * FLINK_LIMITS.maxParallelismPerKpu),
  } satisfies ConfigKey<number>,
  flinkParallelismPerKpu: {
    name: "flinkParallelismPerKpu",
    type: "integer",
    default: 1,
    description: `Parallel tasks per KPU (1 vCPU, 4 GiB) of the Flink application: 1..${FLINK_LIMITS.maxParallelismPerKpu}.`,
    parse: integerIn(1, FLINK_LIMITS.maxParallelismPerKpu),
  } satisfies ConfigKey<number>,
  flinkAutoScaling: {
    name: "flinkAutoScaling",
    type: "string",
    default: "off",
    description:
      "on: Managed Flink's built-in autoscaling changes the parallelism (needs flinkScaler off: two autoscalers would fight). off: the parallelism is flinkParallelism, or the Flink scaler's.",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  flinkScaler: {
    name: "flinkScaler",
    type: "string",
    default: "on",
    description: `on: the Flink scaler doubles the parallelism when the job falls more than flinkScaleOutBehindMs behind (default ${FLINK_SCALING_DEFAULTS.behindMs / 1000} s) and halves it when it idles, between flinkMinParallelism and flinkMaxParallelism; pulumi up then leaves the parallelism alone. off: none.`,
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  flinkMinParallelism: {
    name: "flinkMinParallelism",
    type: "integer",
    default: 1,
    description: "Lowest parallelism the Flink scaler goes down to, at most flinkParallelism.",
    parse: integerIn(1, FLINK_LIMITS.maxKpus * FLINK_LIMITS.maxParallelismPerKpu),
  } satisfies ConfigKey<number>,
  flinkMaxParallelism: {
    name: "flinkMaxParallelism",
    type: "integer",
    default: 8,
    description: `Highest parallelism the Flink scaler goes up to, at least flinkParallelism (it also stops at ${FLINK_SCALING_DEFAULTS.maxKpus} KPUs).`,
    parse: integerIn(1, FLINK_LIMITS.maxKpus * FLINK_LIMITS.maxParallelismPerKpu),
  } satisfies ConfigKey<number>,
  flinkScaleOutBehindMs: {
    name: "flinkScaleOutBehindMs",
    type: "integer",
    default: FLINK_SCALING_DEFAULTS.behindMs,
    description: `The Flink scaler doubles the parallelism when millisBehindLatest stays above this many ms (${FLINK_SCALING_RANGES.behindMs.min}..${FLINK_SCALING_RANGES.behindMs.max}) ...`,
    parse: integerIn(FLINK_SCALING_RANGES.behindMs.min, FLINK_SCALING_RANGES.behindMs.max),
  } satisfies ConfigKey<number>,
  flinkScaleOutPeriods: {
    name: "flinkScaleOutPeriods",
    type: "integer",
    default: FLINK_SCALING_DEFAULTS.outPeriods,
    description: `... for this many 1-minute periods in a row (${FLINK_SCALING_RANGES.outPeriods.min}..${FLINK_SCALING_RANGES.outPeriods.max}).`,
    parse: integerIn(FLINK_SCALING_RANGES.outPeriods.min, FLINK_SCALING_RANGES.outPeriods.max),
  } satisfies ConfigKey<number>,
  flinkScalerDryRun: {
    name: "flinkScalerDryRun",
    type: "string",
    default: "off",
    description: "on: the Flink scaler decides and logs each decision but changes nothing.",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  scalerReservedConcurrency: {
    name: "scalerReservedConcurrency",
    type: "string",
    default: "off",
    description:
      "on: each scaler function reserves one concurrent execution, so its runs never overlap (they are safe to overlap without it: each change is conditional on the state it was decided from). Lambda refuses a reservation that leaves under 100 unreserved executions in the account: accounts with a concurrency quota of 100 or less (new ones) fail the deploy with on. off: no reservation.",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
  flinkInitialPosition: {
    name: "flinkInitialPosition",
    type: "string",
    default: "TRIM_HORIZON",
    description:
      "Where the Flink job starts reading a shard it has no state for: TRIM_HORIZON (everything retained, e.g. trips replayed while the application started) or LATEST.",
    parse: oneOf(["TRIM_HORIZON", "LATEST"] as const),
  } satisfies ConfigKey<"TRIM_HORIZON" | "LATEST">,
  flinkConnectorJar: {
    name: "flinkConnectorJar",
    type: "string",
    default: "",
    optional: true,
    description: `Where pulumi up gets the Flink job's connector JAR (${FLINK_CONNECTOR_JAR.artifact} ${FLINK_CONNECTOR_JAR.version}): unset, Maven Central (${mavenCentralUrl(FLINK_CONNECTOR_JAR)}); an https:// URL of a mirror; or a path to the JAR on the deploying machine.`,
    parse: jarSource,
  } satisfies ConfigKey<string>,
  analyticsBucketForceDestroy: {
    name: "analyticsBucketForceDestroy",
    type: "string",
    default: "off",
    description:
      "on (dev stacks): pulumi destroy empties the Flink code bucket, every version of it, and deletes it. off: destroy stops at a bucket that holds code versions.",
    parse: oneOf(["on", "off"] as const),
  } satisfies ConfigKey<"on" | "off">,
} as const;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

/** The `config:` section Pulumi.yaml must hold: every key's type, items, default and description. */
export function pulumiDeclarations(): Record<string, object> {
  return Object.fromEntries(
    Object.values(CONFIG_KEYS).map((k: ConfigKey<unknown>) => [
      k.name,
      {
        type: k.type,
        ...(k.items ? { items: k.items } : {}),
        ...(k.default !== undefined ? { default: k.default } : {}),
        description: k.description,
      },
    ]),
  );
}
