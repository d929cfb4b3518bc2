/**
 * Every config key the program reads: its type, default, description and what values it
 * allows. This table is the source of truth: `npm run config:declare` writes from it the
 * declarations of `Pulumi.yaml` and the config reference of docs/config.md (a test holds the
 * three equal).
 */
import { STREAM_LIMITS, STREAM_MODES, StreamMode } from "../../runtime/stream/limits";
import { acmCertificateArn, cidrList, clientCidr, emailAddress, jarSource, kmsKeyArn, tags } from "./config-parsers";
import { integer, matching, oneOf, oneOfIntegers, switchValue } from "../../runtime/common/parsers";
import { Setting } from "../../runtime/common/setting";
import { JOB_DEFAULTS, JOB_LIMITS, jobSetting } from "../../runtime/hotspots/job-config";
import { FLINK_METRICS } from "../../runtime/observability/metrics/flink";
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
import { SHARD_SCALING_DEFAULTS, TARGET_USAGE_RANGE } from "../../runtime/scaling/shard-policy";
import { FARGATE_CPUS, LOG_RETENTION_DAYS } from "../common/fargate";
import { ANALYTICS_MAX_TAGS } from "../common/stack-defaults";
import { ACCESS_LOG_LIMITS } from "../ingest/elb-log-delivery";
import { AVAILABILITY_ZONES } from "../network/zones";
import { endpointBreakEven } from "../../runtime/cost/endpoint-break-even";
import { HOURS_PER_MONTH, PRICE_TABLE } from "../../runtime/cost/price-table";

const PRICES = PRICE_TABLE["us-east-1"].prices;
/** What the Kinesis endpoint costs and where it pays off (us-east-1 prices). */
const STREAM_ENDPOINT = endpointBreakEven(AVAILABILITY_ZONES, PRICES);
import { shippedSchemas } from "../../runtime/schemas/shipped-schemas";
import { Compatibility, COMPATIBILITY_MODES } from "../../runtime/schemas/compatibility-mode";
import { LAKE_DEFAULTS, LAKE_LIMITS } from "../../runtime/lake/contract";
import {
  COMPACTOR_MEMORY_PER_PART_MEMORY,
  LAMBDA_MEMORY_LIMITS,
  STANDARD_IA_MIN_DAYS,
  TASK_MEMORY_PER_ROLL_MEMORY,
} from "../lake/lake-rules";
import { COMPACTION_DEFAULTS, COMPACTION_LIMITS } from "../../runtime/lake/compaction/compactor-contract";
import { INGEST_AUTH_MODES, IngestAuthMode, TENANT_DEFAULTS } from "../../runtime/tenants/defaults";
import { tenantIdList } from "./config-parsers";

const MIB = 1024 * 1024;

/**
 * A stack config key: a setting (runtime/common/setting.ts, the kit environment variables
 * use too) with how Pulumi.yaml declares it. Its `purpose` is the description Pulumi.yaml
 * and `pulumi config` show.
 */
export interface ConfigKey<T> extends Setting<T> {
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
  default?: string | number | boolean | readonly string[];
  /**
   * Optional keys declare `default: ""` and treat the empty string as unset: the Pulumi CLI
   * refuses to run a stack that lacks a declared key without a default (pulumi/pulumi#11321
   * also rules out object types), so "" is how Pulumi.yaml says "not set".
   */
  optional?: true;
}

export const DEFAULT_PROVISIONED_SHARDS = 4;
/** Unset maxShards: room for two doublings above the configured shard count. */
export const DEFAULT_MAX_SHARDS_FACTOR = 4;

export const CONFIG_KEYS = {
  streamMode: {
    name: "streamMode",
    type: "string",
    default: "PROVISIONED",
    purpose:
      "Capacity mode of the Kinesis stream: PROVISIONED (you choose shardCount) or ON_DEMAND (AWS scales it; no shardCount).",
    ...oneOf(...STREAM_MODES),
  } satisfies ConfigKey<StreamMode>,
  shardCount: {
    name: "shardCount",
    // A string, not an integer: an unset count must stay distinguishable from 4 so that
    // ON_DEMAND with a shard count is an error, and integer keys need a non-empty default.
    type: "string",
    default: "",
    optional: true,
    purpose: `Number of shards of a PROVISIONED stream, ${STREAM_LIMITS.minShardCount}..${STREAM_LIMITS.maxShardCount} (default ${DEFAULT_PROVISIONED_SHARDS}). Each shard takes 1 MiB/s or 1,000 records/s in. Must not be set with ON_DEMAND.`,
    ...integer(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount),
  } satisfies ConfigKey<number>,
  retentionHours: {
    name: "retentionHours",
    type: "integer",
    default: STREAM_LIMITS.minRetentionHours,
    purpose: `How long the stream keeps records, in hours: ${STREAM_LIMITS.minRetentionHours}..${STREAM_LIMITS.maxRetentionHours}.`,
    ...integer(STREAM_LIMITS.minRetentionHours, STREAM_LIMITS.maxRetentionHours),
  } satisfies ConfigKey<number>,
  kmsKeyArn: {
    name: "kmsKeyArn",
    type: "string",
    default: "",
    optional: true,
    purpose:
      "ARN of an existing KMS key that encrypts the stream. Unset: the stack creates a customer-managed key with yearly rotation.",
    ...kmsKeyArn,
  } satisfies ConfigKey<string>,
  tags: {
    name: "tags",
    type: "string",
    default: "{}",
    purpose: `Tags for every resource that takes tags, as a JSON object string: pulumi config set tags '{"team":"data"}' (at most ${ANALYTICS_MAX_TAGS} while analytics is true).`,
    ...tags,
  } satisfies ConfigKey<Record<string, string>>,
  natGateways: {
    name: "natGateways",
    type: "integer",
    default: 1,
    purpose:
      "NAT gateways of the VPC, through which tasks in private subnets reach AWS: 1 (one shared, cheaper) or 2 (one per availability zone, survives a zone outage).",
    ...integer(1, 2),
  } satisfies ConfigKey<number>,
  flowLogs: {
    name: "flowLogs",
    type: "boolean",
    default: true,
    purpose:
      "true: the VPC's flow logs (every accepted and rejected connection) go to a CloudWatch Logs group kept logRetentionDays. false: no flow logs (they cost CloudWatch Logs ingestion).",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  streamVpcEndpoint: {
    name: "streamVpcEndpoint",
    type: "boolean",
    default: true,
    purpose: `true: an interface VPC endpoint for Kinesis Data Streams in the private subnets, so ingest's writes and the Fargate readers' reads skip NAT. It costs $${STREAM_ENDPOINT.fixedUsdPerMonth.toFixed(2)} a month (${AVAILABILITY_ZONES} zones at $${PRICES.vpcEndpointAzHour.usd} an hour) + $${PRICES.vpcEndpointGb.usd}/GB, against NAT's $${PRICES.natGatewayGb.usd}/GB (AWS PrivateLink and VPC pricing): it pays off above ${Math.round(STREAM_ENDPOINT.breakEvenGbPerMonth)} GB a month of stream traffic written and read (about ${Math.round((STREAM_ENDPOINT.breakEvenGbPerMonth * 1024 ** 3) / (HOURS_PER_MONTH * 3600) / 1000)} kB/s). false: the stream's traffic goes through NAT. The S3 and DynamoDB gateway endpoints are always there (free).`,
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  ingestAllowedCidrs: {
    name: "ingestAllowedCidrs",
    type: "array",
    items: { type: "string" },
    default: ["0.0.0.0/0"],
    purpose:
      "IPv4 CIDR blocks allowed to reach the ingest load balancer. Open to the internet by default, as in the reference architecture: restrict it with pulumi config set --path 'ingestAllowedCidrs[0]' 203.0.113.0/24.",
    ...cidrList,
  } satisfies ConfigKey<string[]>,
  certificateArn: {
    name: "certificateArn",
    type: "string",
    default: "",
    optional: true,
    purpose:
      "An ACM certificate (in the stack's region) that covers ingestDomainName, for the HTTPS listener. Unset with ingestHostedZoneId: the stack requests and validates one. Needs ingestDomainName.",
    ...acmCertificateArn,
  } satisfies ConfigKey<string>,
  ingestDomainName: {
    name: "ingestDomainName",
    type: "string",
    default: "",
    optional: true,
    purpose:
      "A DNS name of your own for the ingest API, e.g. ingest.example.com. Set: HTTPS on 443 (TLS 1.2+) under this name, port 80 redirects to it; needs ingestHostedZoneId or certificateArn. Unset: HTTP on 80 at the load balancer's own name.",
    ...dnsName,
  } satisfies ConfigKey<string>,
  ingestHostedZoneId: {
    name: "ingestHostedZoneId",
    type: "string",
    default: "",
    optional: true,
    purpose:
      "The Route 53 public hosted zone of ingestDomainName, e.g. Z0123456789ABCDEFGHIJ: the stack creates the name's alias record to the load balancer, and a DNS-validated certificate unless certificateArn is set. Unset: point the name at ingestLoadBalancerDnsName yourself.",
    ...hostedZoneId,
  } satisfies ConfigKey<string>,
  ingestAckMode: {
    name: "ingestAckMode",
    type: "string",
    default: "durable",
    purpose:
      "durable: the ingest API answers 200 once a record is stored in Kinesis. buffered: it answers 202 at once (lower latency; a record that then fails is logged and counted, but the client was already told yes).",
    ...oneOf("durable", "buffered"),
  } satisfies ConfigKey<"durable" | "buffered">,
  ingestCpu: {
    name: "ingestCpu",
    type: "integer",
    default: 512,
    purpose: `CPU units of an ingest task (${FARGATE_CPUS.join(", ")}); must fit ingestMemory as Fargate allows.`,
    ...oneOfIntegers(FARGATE_CPUS),
  } satisfies ConfigKey<number>,
  ingestMemory: {
    name: "ingestMemory",
    type: "integer",
    default: 1024,
    purpose: "Memory of an ingest task in MiB, a size Fargate allows with ingestCpu.",
    ...integer(512, 122880),
  } satisfies ConfigKey<number>,
  ingestMinTasks: {
    name: "ingestMinTasks",
    type: "integer",
    default: 2,
    purpose: "Fewest ingest tasks (the CPU target tracking never goes below it): 1..100.",
    ...integer(1, 100),
  } satisfies ConfigKey<number>,
  ingestMaxTasks: {
    name: "ingestMaxTasks",
    type: "integer",
    default: 10,
    purpose: "Most ingest tasks: 1..100, at least ingestMinTasks.",
    ...integer(1, 100),
  } satisfies ConfigKey<number>,
  ingestAccessLogDays: {
    name: "ingestAccessLogDays",
    type: "integer",
    default: ACCESS_LOG_LIMITS.defaultDays,
    purpose: `Days the ingest load balancer's access logs stay in their S3 bucket before they expire: ${ACCESS_LOG_LIMITS.minDays}..${ACCESS_LOG_LIMITS.maxDays}.`,
    ...integer(ACCESS_LOG_LIMITS.minDays, ACCESS_LOG_LIMITS.maxDays),
  } satisfies ConfigKey<number>,
  ingestAuth: {
    name: "ingestAuth",
    type: "string",
    default: TENANT_DEFAULTS.ingestAuth,
    purpose:
      "apiKeys: every request to the ingest API needs a tenant's API key (Authorization: Bearer), its records carry that tenant, and each tenant is limited (npm run tenants; docs/tenants.md). none: anyone who reaches the load balancer writes, as the tenant anonymous.",
    ...oneOf(...INGEST_AUTH_MODES),
  } satisfies ConfigKey<IngestAuthMode>,
  ingestAllowPlainHttp: {
    name: "ingestAllowPlainHttp",
    type: "boolean",
    default: false,
    purpose:
      "true: with ingestAuth apiKeys and no ingestDomainName, accept API keys over plain HTTP (they cross the network readable: a dev stack only). false: with ingestAuth apiKeys, ingest is HTTPS only, under ingestDomainName (port 80 refuses with 403).",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  tenantRecordsPerSecond: {
    name: "tenantRecordsPerSecond",
    type: "integer",
    default: TENANT_DEFAULTS.recordsPerSecond,
    purpose:
      "A tenant's records/s per ingest task unless the tenants table sets its own (npm run tenants -- set-limits): the stack admits up to this times the running ingest tasks. 1..10000000.",
    ...integer(1, 10_000_000),
  } satisfies ConfigKey<number>,
  tenantBytesPerSecond: {
    name: "tenantBytesPerSecond",
    type: "integer",
    default: TENANT_DEFAULTS.bytesPerSecond,
    purpose:
      "A tenant's bytes/s (data and stored partition keys) per ingest task unless the tenants table sets its own. 1024..10737418240.",
    ...integer(1024, 10 * 1024 ** 3),
  } satisfies ConfigKey<number>,
  tenantMetrics: {
    name: "tenantMetrics",
    type: "array",
    items: { type: "string" },
    default: [],
    purpose: `Tenants whose ingest metrics carry their own Tenant dimension (at most ${TENANT_DEFAULTS.maxNamedTenants}); every other tenant is counted as "others", and all of them are in the usage log lines (CloudWatch bills each dimension value as a metric).`,
    ...tenantIdList(TENANT_DEFAULTS.maxNamedTenants),
  } satisfies ConfigKey<string[]>,
  tenantsDeletionProtection: {
    name: "tenantsDeletionProtection",
    type: "boolean",
    default: true,
    purpose:
      "true: DynamoDB refuses to delete the tenants table (every tenant and key hash), so pulumi destroy stops there until you set it false and run pulumi up. false: destroy deletes it (dev stacks).",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  scaleOutCooldownSeconds: {
    name: "scaleOutCooldownSeconds",
    type: "integer",
    default: 60,
    purpose: "Seconds after a scale-out before the services' CPU target tracking scales out again: 0..3600.",
    ...integer(0, 3600),
  } satisfies ConfigKey<number>,
  scaleInCooldownSeconds: {
    name: "scaleInCooldownSeconds",
    type: "integer",
    default: 300,
    purpose: "Seconds after a scale-in before the services scale in again: 0..3600.",
    ...integer(0, 3600),
  } satisfies ConfigKey<number>,
  logRetentionDays: {
    name: "logRetentionDays",
    type: "integer",
    default: 30,
    purpose:
      "Days every CloudWatch log group of the stack keeps logs (a period CloudWatch Logs accepts, e.g. 7, 30, 90, 365).",
    ...oneOfIntegers(LOG_RETENTION_DAYS),
  } satisfies ConfigKey<number>,
  processingMode: {
    name: "processingMode",
    type: "string",
    default: "fargate",
    purpose:
      "fargate: KCL-style workers on Fargate (leases in DynamoDB, enhanced fan-out). lambda: the same record processor in a Lambda behind an event source mapping.",
    ...oneOf("fargate", "lambda"),
  } satisfies ConfigKey<"fargate" | "lambda">,
  processingRetrieval: {
    name: "processingRetrieval",
    type: "string",
    default: "fanout",
    purpose:
      "How Fargate workers read: fanout (enhanced fan-out, 2 MiB/s per shard for this consumer alone) or polling (GetRecords, sharing the shard's 2 MiB/s and 5 calls/s).",
    ...oneOf("fanout", "polling"),
  } satisfies ConfigKey<"fanout" | "polling">,
  processingInitialPosition: {
    name: "processingInitialPosition",
    type: "string",
    default: "TRIM_HORIZON",
    purpose: "Where processing starts on a shard without checkpoint: TRIM_HORIZON (oldest retained record) or LATEST.",
    ...oneOf("TRIM_HORIZON", "LATEST"),
  } satisfies ConfigKey<"TRIM_HORIZON" | "LATEST">,
  processingCpu: {
    name: "processingCpu",
    type: "integer",
    default: 512,
    purpose: `CPU units of a processing task (${FARGATE_CPUS.join(", ")}); must fit processingMemory.`,
    ...oneOfIntegers(FARGATE_CPUS),
  } satisfies ConfigKey<number>,
  processingMemory: {
    name: "processingMemory",
    type: "integer",
    default: 1024,
    purpose: "Memory of a processing task in MiB, a size Fargate allows with processingCpu.",
    ...integer(512, 122880),
  } satisfies ConfigKey<number>,
  processingMinTasks: {
    name: "processingMinTasks",
    type: "integer",
    default: 2,
    purpose: "Fewest processing workers: 1..100. Two keep processing going while one restarts.",
    ...integer(1, 100),
  } satisfies ConfigKey<number>,
  processingMaxTasks: {
    name: "processingMaxTasks",
    type: "integer",
    default: 4,
    purpose:
      "Most processing workers: 1..100, at least processingMinTasks. Workers beyond the shard count hold no lease.",
    ...integer(1, 100),
  } satisfies ConfigKey<number>,
  leaseDeletionProtection: {
    name: "leaseDeletionProtection",
    type: "boolean",
    default: true,
    purpose:
      "true: DynamoDB refuses to delete the processing and lake lease tables (their checkpoints), so pulumi destroy stops there until you set it false and run pulumi up. false: destroy deletes it (dev stacks).",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  lambdaBatchSize: {
    name: "lambdaBatchSize",
    type: "integer",
    default: 100,
    purpose: "lambda mode: most Kinesis records per invocation, 1..10000.",
    ...integer(1, 10_000),
  } satisfies ConfigKey<number>,
  lambdaBatchingWindowSeconds: {
    name: "lambdaBatchingWindowSeconds",
    type: "integer",
    default: 1,
    purpose: "lambda mode: seconds to gather records before invoking, 0..300.",
    ...integer(0, 300),
  } satisfies ConfigKey<number>,
  lambdaMaxRetryAttempts: {
    name: "lambdaMaxRetryAttempts",
    type: "integer",
    default: 3,
    purpose: "lambda mode: retries of a failing batch before it goes to the on-failure queue, 0..10000.",
    ...integer(0, 10_000),
  } satisfies ConfigKey<number>,
  lambdaMaxRecordAgeSeconds: {
    name: "lambdaMaxRecordAgeSeconds",
    type: "integer",
    default: 3600,
    purpose: "lambda mode: records older than this go to the on-failure queue, 60..604800.",
    ...integer(60, 604_800),
  } satisfies ConfigKey<number>,
  lambdaParallelizationFactor: {
    name: "lambdaParallelizationFactor",
    type: "integer",
    default: 1,
    purpose: "lambda mode: concurrent batches per shard, 1..10 (order is kept per partition key).",
    ...integer(1, 10),
  } satisfies ConfigKey<number>,
  schemaCompatibility: {
    name: "schemaCompatibility",
    type: "string",
    default: "BACKWARD",
    purpose: `Compatibility mode of every schema in the Glue Schema Registry: ${COMPATIBILITY_MODES.join(", ")}. BACKWARD: consumers on a new version can read data written with the previous one.`,
    ...oneOf(...COMPATIBILITY_MODES),
  } satisfies ConfigKey<Compatibility>,
  schemaAutoRegistration: {
    name: "schemaAutoRegistration",
    type: "boolean",
    default: false,
    purpose:
      "true: the ingest service may register new schema versions (checked by Glue under schemaCompatibility). false: only `pulumi up` registers versions, from schemas/.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  ingestSchema: {
    name: "ingestSchema",
    type: "string",
    default: "",
    optional: true,
    purpose:
      "A schema of schemas/ (file name without .json) that ingest enforces: invalid data gets 422, valid data is stored in the Glue wire format with its schema version id. Unset: records are stored as sent. Needs analytics false: the Flink job reads plain JSON.",
    ...oneOf(...shippedSchemas().map((s) => s.name)),
  } satisfies ConfigKey<string>,
  shardScaler: {
    name: "shardScaler",
    type: "boolean",
    default: true,
    purpose:
      "true (PROVISIONED streams): the shard scaler sizes the stream between minShards and maxShards from its usage factor, and pulumi up stops managing the live shard count. false: the shard count is shardCount.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  minShards: {
    name: "minShards",
    type: "integer",
    default: 1,
    purpose: `Fewest shards the scaler goes down to: ${STREAM_LIMITS.minShardCount}..${STREAM_LIMITS.maxShardCount}, at most the shard count.`,
    ...integer(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount),
  } satisfies ConfigKey<number>,
  maxShards: {
    name: "maxShards",
    // A string: unset means "four times the shard count", which an integer default cannot say.
    type: "string",
    default: "",
    optional: true,
    purpose: `Most shards the scaler goes up to: ${STREAM_LIMITS.minShardCount}..${STREAM_LIMITS.maxShardCount}, at least the shard count (default ${DEFAULT_MAX_SHARDS_FACTOR} times it; mind the account's shard quota).`,
    ...integer(STREAM_LIMITS.minShardCount, STREAM_LIMITS.maxShardCount),
  } satisfies ConfigKey<number>,
  shardScalerTargetUsage: {
    name: "shardScalerTargetUsage",
    type: "integer",
    default: Math.round(SHARD_SCALING_DEFAULTS.targetUsage * 100),
    purpose: `The usage factor, in percent, that the shard scaler resizes the stream to when usage crosses ${SHARD_SCALING_DEFAULTS.scaleUpAt * 100}% or ${SHARD_SCALING_DEFAULTS.scaleDownBelow * 100}% (${TARGET_USAGE_RANGE.min * 100}..${TARGET_USAGE_RANGE.max * 100}; at most double or half per change). Lower: more headroom, more shards.`,
    ...integer(TARGET_USAGE_RANGE.min * 100, TARGET_USAGE_RANGE.max * 100),
  } satisfies ConfigKey<number>,
  shardScalerDryRun: {
    name: "shardScalerDryRun",
    type: "boolean",
    default: false,
    purpose:
      "true: the shard scaler decides and logs each decision but changes nothing (to watch it before trusting it).",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  alertEmail: {
    name: "alertEmail",
    type: "string",
    default: "",
    optional: true,
    purpose:
      "An e-mail address the pipeline's alarms are sent to (SNS asks it to confirm once). Unset: alarms go to the alerts topic only.",
    ...emailAddress,
  } satisfies ConfigKey<string>,
  analytics: {
    name: "analytics",
    type: "boolean",
    default: true,
    purpose:
      "true: the taxi hot-spot analytics (OpenSearch domain with Dashboards, and its setup); needs searchClientCidr. false: none of it.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  searchClientCidr: {
    name: "searchClientCidr",
    type: "string",
    default: "",
    optional: true,
    purpose: `Required while analytics is true: the IPv4 CIDR whose browsers may open the OpenSearch Dashboards login (the reference's ClientIpAddressRange), /${WIDEST_CLIENT_CIDR_PREFIX} to /32, e.g. 203.0.113.7/32. Find yours with curl https://checkip.amazonaws.com.`,
    ...clientCidr(WIDEST_CLIENT_CIDR_PREFIX),
  } satisfies ConfigKey<string>,
  searchEngineVersion: {
    name: "searchEngineVersion",
    type: "string",
    default: DEFAULT_ENGINE_VERSION,
    purpose: `Engine of the OpenSearch domain: OpenSearch_<major>.<minor> (default the newest, ${DEFAULT_ENGINE_VERSION}). Elasticsearch engines are refused: the domain's setup speaks OpenSearch's APIs.`,
    ...matching(
      ENGINE_VERSION,
      `OpenSearch_<major>.<minor> (e.g. ${DEFAULT_ENGINE_VERSION}; Elasticsearch engines are not supported)`,
    ),
  } satisfies ConfigKey<string>,
  searchInstanceType: {
    name: "searchInstanceType",
    type: "string",
    default: DEFAULT_INSTANCE_TYPE,
    purpose: `Instance type of the OpenSearch data nodes (default ${DEFAULT_INSTANCE_TYPE}, for dev; e.g. m7g.large.search or r7g.large.search for production). The ${NO_FINE_GRAINED_ACCESS_FAMILIES.join(", ")} families cannot run fine-grained access control and are refused.`,
    allowed:
      "an OpenSearch instance type that runs fine-grained access control " +
      `(not ${NO_FINE_GRAINED_ACCESS_FAMILIES.join(", ")}), such as t3.small.search or r7g.large.search`,
    parse: (text) => (INSTANCE_TYPE.test(text) && runsFineGrainedAccessControl(text) ? text : undefined),
  } satisfies ConfigKey<string>,
  searchInstanceCount: {
    name: "searchInstanceCount",
    type: "integer",
    default: 1,
    purpose: `OpenSearch data nodes: 1..${SEARCH_LIMITS.maxDataNodes}. With 2 or more, each index gets a replica and the nodes spread over two availability zones.`,
    ...integer(1, SEARCH_LIMITS.maxDataNodes),
  } satisfies ConfigKey<number>,
  searchVolumeGb: {
    name: "searchVolumeGb",
    type: "integer",
    default: SEARCH_LIMITS.minVolumeGb,
    purpose: `gp3 volume per OpenSearch data node in GiB: ${SEARCH_LIMITS.minVolumeGb}..${SEARCH_LIMITS.maxVolumeGb}, within what the instance type allows (t3.small.search: 100).`,
    ...integer(SEARCH_LIMITS.minVolumeGb, SEARCH_LIMITS.maxVolumeGb),
  } satisfies ConfigKey<number>,
  hotspotWindowMinutes: {
    name: "hotspotWindowMinutes",
    type: "integer",
    default: JOB_DEFAULTS.windowMinutes,
    purpose: `Tumbling window of the hot-spot job in minutes: ${JOB_LIMITS.windowMinutes}. The default suits the shipped sample (see runtime/hotspots/job-config.ts).`,
    ...jobSetting("windowMinutes"),
  } satisfies ConfigKey<number>,
  hotspotGeohashPrecision: {
    name: "hotspotGeohashPrecision",
    type: "integer",
    default: JOB_DEFAULTS.geohashPrecision,
    purpose: `Geohash length of a hot-spot cell: ${JOB_LIMITS.geohashPrecision}; 6 is about 1.2 x 0.6 km in New York.`,
    ...jobSetting("geohashPrecision"),
  } satisfies ConfigKey<number>,
  hotspotMinTrips: {
    name: "hotspotMinTrips",
    type: "integer",
    default: JOB_DEFAULTS.minTrips,
    purpose: `Pickups in a cell and window that make it a hot spot: ${JOB_LIMITS.minTrips}.`,
    ...jobSetting("minTrips"),
  } satisfies ConfigKey<number>,
  flinkParallelism: {
    name: "flinkParallelism",
    type: "integer",
    default: 1,
    purpose: `Parallelism of the hot-spot Flink application (at most ${FLINK_LIMITS.maxKpus} KPUs: flinkParallelism / flinkParallelismPerKpu, rounded up). Built-in autoscaling changes it within the application.`,
    ...integer(1, FLINK_LIMITS.maxKpus * FLINK_LIMITS.maxParallelismPerKpu),
  } satisfies ConfigKey<number>,
  flinkParallelismPerKpu: {
    name: "flinkParallelismPerKpu",
    type: "integer",
    default: 1,
    purpose: `Parallel tasks per KPU (1 vCPU, 4 GiB) of the Flink application: 1..${FLINK_LIMITS.maxParallelismPerKpu}.`,
    ...integer(1, FLINK_LIMITS.maxParallelismPerKpu),
  } satisfies ConfigKey<number>,
  flinkAutoScaling: {
    name: "flinkAutoScaling",
    type: "boolean",
    default: false,
    purpose:
      "true: Managed Flink's built-in autoscaling changes the parallelism (needs flinkScaler false: two autoscalers would fight). false: the parallelism is flinkParallelism, or the Flink scaler's.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  flinkScaler: {
    name: "flinkScaler",
    type: "boolean",
    default: true,
    purpose: `true: the Flink scaler doubles the parallelism when the job falls more than flinkScaleOutBehindMs behind (default ${FLINK_SCALING_DEFAULTS.behindMs / 1000} s) and halves it when it idles, between flinkMinParallelism and flinkMaxParallelism; pulumi up then leaves the parallelism alone. false: none.`,
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  flinkMinParallelism: {
    name: "flinkMinParallelism",
    type: "integer",
    default: 1,
    purpose: "Lowest parallelism the Flink scaler goes down to, at most flinkParallelism.",
    ...integer(1, FLINK_LIMITS.maxKpus * FLINK_LIMITS.maxParallelismPerKpu),
  } satisfies ConfigKey<number>,
  flinkMaxParallelism: {
    name: "flinkMaxParallelism",
    type: "integer",
    default: 8,
    purpose: `Highest parallelism the Flink scaler goes up to, at least flinkParallelism (it also stops at ${FLINK_SCALING_DEFAULTS.maxKpus} KPUs).`,
    ...integer(1, FLINK_LIMITS.maxKpus * FLINK_LIMITS.maxParallelismPerKpu),
  } satisfies ConfigKey<number>,
  flinkScaleOutBehindMs: {
    name: "flinkScaleOutBehindMs",
    type: "integer",
    default: FLINK_SCALING_DEFAULTS.behindMs,
    purpose: `The Flink scaler doubles the parallelism when ${FLINK_METRICS.millisBehindLatest.name} stays above this many ms (${FLINK_SCALING_RANGES.behindMs.min}..${FLINK_SCALING_RANGES.behindMs.max}) ...`,
    ...integer(FLINK_SCALING_RANGES.behindMs.min, FLINK_SCALING_RANGES.behindMs.max),
  } satisfies ConfigKey<number>,
  flinkScaleOutPeriods: {
    name: "flinkScaleOutPeriods",
    type: "integer",
    default: FLINK_SCALING_DEFAULTS.outPeriods,
    purpose: `... for this many 1-minute periods in a row (${FLINK_SCALING_RANGES.outPeriods.min}..${FLINK_SCALING_RANGES.outPeriods.max}).`,
    ...integer(FLINK_SCALING_RANGES.outPeriods.min, FLINK_SCALING_RANGES.outPeriods.max),
  } satisfies ConfigKey<number>,
  flinkScalerDryRun: {
    name: "flinkScalerDryRun",
    type: "boolean",
    default: false,
    purpose: "true: the Flink scaler decides and logs each decision but changes nothing.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  scalerReservedConcurrency: {
    name: "scalerReservedConcurrency",
    type: "boolean",
    default: false,
    purpose:
      "true: each scaler function reserves one concurrent execution, so its runs never overlap (they are safe to overlap without it: each change is conditional on the state it was decided from). Lambda refuses a reservation that leaves under 100 unreserved executions in the account: accounts with a concurrency quota of 100 or less (new ones) fail the deploy with true. false: no reservation.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  flinkInitialPosition: {
    name: "flinkInitialPosition",
    type: "string",
    default: "TRIM_HORIZON",
    purpose:
      "Where the Flink job starts reading a shard it has no state for: TRIM_HORIZON (everything retained, e.g. trips replayed while the application started) or LATEST.",
    ...oneOf("TRIM_HORIZON", "LATEST"),
  } satisfies ConfigKey<"TRIM_HORIZON" | "LATEST">,
  flinkConnectorJar: {
    name: "flinkConnectorJar",
    type: "string",
    default: "",
    optional: true,
    purpose: `Where pulumi up gets the Flink job's connector JAR (${FLINK_CONNECTOR_JAR.artifact} ${FLINK_CONNECTOR_JAR.version}): unset, Maven Central (${mavenCentralUrl(FLINK_CONNECTOR_JAR)}); an https:// URL of a mirror; or a path to the JAR on the deploying machine.`,
    ...jarSource,
  } satisfies ConfigKey<string>,
  analyticsBucketForceDestroy: {
    name: "analyticsBucketForceDestroy",
    type: "boolean",
    default: false,
    purpose:
      "true (dev stacks): pulumi destroy empties the Flink code bucket, every version of it, and deletes it. false: destroy stops at a bucket that holds code versions.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  lake: {
    name: "lake",
    type: "boolean",
    default: true,
    purpose:
      "true: the lake writer on Fargate stores every record of the stream once in S3 as Parquet (by tenant, date and hour), with Glue tables and an Athena workgroup to query it. false: no lake.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  lakeRetrieval: {
    name: "lakeRetrieval",
    type: "string",
    default: "fanout",
    purpose:
      "How the lake workers read: fanout (their own enhanced fan-out consumer, 2 MiB/s per shard) or polling (GetRecords, sharing the shard's 2 MiB/s and 5 calls/s with other pollers).",
    ...oneOf("fanout", "polling"),
  } satisfies ConfigKey<"fanout" | "polling">,
  lakeRollMegabytes: {
    name: "lakeRollMegabytes",
    type: "integer",
    default: LAKE_DEFAULTS.rollBytes / MIB,
    purpose: `Cut a shard's lake segment once its records hold this many MiB, ${LAKE_LIMITS.rollBytes.min / MIB}..${LAKE_LIMITS.rollBytes.max / MIB}: larger objects suit Athena; a worker's open segments together stay within a quarter of lakeMemory.`,
    ...integer(LAKE_LIMITS.rollBytes.min / MIB, LAKE_LIMITS.rollBytes.max / MIB),
  } satisfies ConfigKey<number>,
  lakeRollSeconds: {
    name: "lakeRollSeconds",
    type: "integer",
    default: LAKE_DEFAULTS.rollSeconds,
    purpose: `Cut a shard's lake segment once its first record is this many seconds old, ${LAKE_LIMITS.rollSeconds.min}..${LAKE_LIMITS.rollSeconds.max}: the longest a record waits to be queryable under light load.`,
    ...integer(LAKE_LIMITS.rollSeconds.min, LAKE_LIMITS.rollSeconds.max),
  } satisfies ConfigKey<number>,
  lakeInfrequentAccessDays: {
    name: "lakeInfrequentAccessDays",
    type: "integer",
    default: 0,
    purpose: `Days after which lake objects move to S3 Standard-IA (at least ${STANDARD_IA_MIN_DAYS}); 0: never.`,
    ...integer(0, 36_500),
  } satisfies ConfigKey<number>,
  lakeRetentionDays: {
    name: "lakeRetentionDays",
    type: "integer",
    default: 0,
    purpose:
      "Days after which lake objects are deleted, longer than the stream's retention (a segment's claim must outlive its records); 0: kept for ever.",
    ...integer(0, 36_500),
  } satisfies ConfigKey<number>,
  lakeForceDestroy: {
    name: "lakeForceDestroy",
    type: "boolean",
    default: false,
    purpose:
      "true (dev stacks): pulumi destroy empties the lake bucket and deletes it. false: destroy stops at a lake bucket that holds objects.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  lakeCpu: {
    name: "lakeCpu",
    type: "integer",
    default: 512,
    purpose: `CPU units of a lake task (${FARGATE_CPUS.join(", ")}); must fit lakeMemory.`,
    ...oneOfIntegers(FARGATE_CPUS),
  } satisfies ConfigKey<number>,
  lakeMemory: {
    name: "lakeMemory",
    type: "integer",
    default: 2048,
    purpose: `Memory of a lake task in MiB, a size Fargate allows with lakeCpu, at least ${TASK_MEMORY_PER_ROLL_MEMORY} x lakeRollMegabytes. A quarter of it is the worker's memory budget for the segments of all its shards (LAKE_BUFFER_BYTES): past it the largest is cut early.`,
    ...integer(512, 122880),
  } satisfies ConfigKey<number>,
  lakeMinTasks: {
    name: "lakeMinTasks",
    type: "integer",
    default: 2,
    purpose: "Fewest lake workers: 1..100. Two keep the lake filling while one restarts.",
    ...integer(1, 100),
  } satisfies ConfigKey<number>,
  lakeMaxTasks: {
    name: "lakeMaxTasks",
    type: "integer",
    default: 4,
    purpose: "Most lake workers: 1..100, at least lakeMinTasks. Workers beyond the shard count hold no lease.",
    ...integer(1, 100),
  } satisfies ConfigKey<number>,
  lakeCompaction: {
    name: "lakeCompaction",
    type: "boolean",
    default: true,
    purpose: `true: a Lambda merges each closed hour of the lake into parts of up to lakeCompactedPartMiB every ${COMPACTION_DEFAULTS.scheduleMinutes} minutes (Athena reads few large objects faster and cheaper), and the merged hour's segment objects expire a day later. Queries see every row once either way. false: the hours stay as the writer stored them.`,
    ...switchValue,
  } satisfies ConfigKey<boolean>,
  lakeCompactedPartMiB: {
    name: "lakeCompactedPartMiB",
    type: "integer",
    default: COMPACTION_DEFAULTS.partBytes / MIB,
    purpose: `The most a compacted part of the lake holds, in MiB of Parquet, ${COMPACTION_LIMITS.partBytes.min / MIB}..${COMPACTION_LIMITS.partBytes.max / MIB}: an hour's objects of one table, tenant and schema version are split evenly into parts no larger. lakeCompactorMemory must be at least ${COMPACTOR_MEMORY_PER_PART_MEMORY} x this.`,
    ...integer(COMPACTION_LIMITS.partBytes.min / MIB, COMPACTION_LIMITS.partBytes.max / MIB),
  } satisfies ConfigKey<number>,
  lakeCompactorMemory: {
    name: "lakeCompactorMemory",
    type: "integer",
    default: 3072,
    purpose: `Memory of the lake compactor's Lambda in MiB, ${LAMBDA_MEMORY_LIMITS.min}..${LAMBDA_MEMORY_LIMITS.max} (CPU grows with it), at least ${COMPACTOR_MEMORY_PER_PART_MEMORY} x lakeCompactedPartMiB: a part's inputs, their rows and the part itself are in memory at once.`,
    ...integer(LAMBDA_MEMORY_LIMITS.min, LAMBDA_MEMORY_LIMITS.max),
  } satisfies ConfigKey<number>,
  lakeCompactorReservedConcurrency: {
    name: "lakeCompactorReservedConcurrency",
    type: "boolean",
    default: false,
    purpose:
      "true: the lake compactor reserves one concurrent execution, so its runs never overlap (they are safe to overlap without it: each part is written only if absent and the state moves only on the ETag it was read with). Lambda refuses a reservation that leaves under 100 unreserved executions in the account: accounts with a concurrency quota of 100 or less (new ones) fail the deploy with true. false: no reservation.",
    ...switchValue,
  } satisfies ConfigKey<boolean>,
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
        description: k.purpose,
      },
    ]),
  );
}
