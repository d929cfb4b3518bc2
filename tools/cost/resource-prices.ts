/**
 * How each resource type of the plan is priced: one row per type. A row either prices the
 * resource (lines of quantity x a price of the price table, a month's worth) or says why
 * it costs nothing by itself. A type without a row is never taken as free: the estimate
 * names it as not priced. New resources (a tenants table, a lake bucket, Glue tables, an
 * Athena workgroup) are a row each here, or already are.
 */
import { HOURS_PER_MONTH, PriceKey, RegionPrices } from "../../runtime/cost/price-table";
import { FLINK_ORCHESTRATION_KPUS } from "../../runtime/cost/shape-cost";
import { BillLine, onDemandBill, provisionedBill } from "../../runtime/cost/stream-bill";
import { BYTES_PER_GB, StreamLoad, streamLoad } from "../../runtime/cost/stream-traffic";
import { PlannedResource, PlanView } from "./plan-view";
import { HABITS, Usage } from "./usage";
import { TENANT_DEFAULTS } from "../../runtime/tenants/defaults";
import { REFRESH_AHEAD } from "../../runtime/tenants/lookup-cache";
import { isLakeCompactor, LakeTraffic } from "./lake-traffic";

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** A priced line before the estimate adds the resource, its part and the dollars. */
export interface PricedLine {
  what: string;
  /** In the price's unit (millions of requests for "1M requests"). */
  quantity: number;
  price: PriceKey;
  /** What the quantity rests on beyond the plan's inputs, when anything. */
  assumption?: string;
}

/** A part of a resource the table cannot price (a provisioned-capacity table): named, never taken as 0. */
export interface UnpricedLine {
  notPriced: string;
}

/** A resource of a priced type that costs nothing in this form (a gateway VPC endpoint), with why. */
export interface FreeLine {
  free: string;
}

/** What pricing reads besides the resource itself. */
export interface PricingContext {
  view: PlanView;
  prices: RegionPrices;
  usage: Usage;
  /** The pipeline's stream as the traffic loads it (aggregated), and its shards this month. */
  stream: { load: StreamLoad; shards: number; sizedBy: string };
  /** Kinesis records of the plain traffic per second, and its bytes (ingest's HTTP side). */
  userBytesPerSecond: number;
  /** Fargate tasks of the ingest service (for per-task requests). */
  ingestTasks: number;
  /** Writers and readers of the stream: ingest tasks, processing and lake workers, the Flink job. */
  streamClients: number;
  /** Consumer applications on Fargate (processing, lake): each reads the whole stream from the VPC. */
  fargateReaders: number;
  /** Whether the VPC has a Kinesis interface endpoint: the stream's traffic goes through it, not NAT. */
  streamEndpoint: boolean;
  /** The lake writer's segments and objects, when the plan has the lake. */
  lake?: LakeTraffic;
}

export type PriceRule =
  | { kind: "priced"; lines: (r: PlannedResource, ctx: PricingContext) => (PricedLine | UnpricedLine | FreeLine)[] }
  | { kind: "free"; why: string }
  /** Priced where its cost shows: another resource's lines already hold it. */
  | { kind: "elsewhere"; why: string };

const free = (why: string): PriceRule => ({ kind: "free", why });
const elsewhere = (why: string): PriceRule => ({ kind: "elsewhere", why });
const priced = (
  lines: (r: PlannedResource, ctx: PricingContext) => (PricedLine | UnpricedLine | FreeLine)[],
): PriceRule => ({
  kind: "priced",
  lines,
});

const inputs = PlanView.inputs;
const gb = (bytesPerSecond: number) => (bytesPerSecond * SECONDS_PER_MONTH) / BYTES_PER_GB;
const millions = (perSecond: number) => (perSecond * SECONDS_PER_MONTH) / 1e6;

/** The pipeline's stream carries the traffic; any other (the hot-spot results) its own small load. */
function isTrafficStream(r: PlannedResource, ctx: PricingContext): boolean {
  return ctx.view.part(r) === "stream";
}

function streamLines(r: PlannedResource, ctx: PricingContext): PricedLine[] {
  const i = inputs(r);
  const traffic = isTrafficStream(r, ctx);
  const load = traffic ? ctx.stream.load : streamLoad(HABITS.resultsRecordsPerSecond, HABITS.resultsRecordBytes, 0);
  const why = traffic
    ? "the traffic flags, aggregated as ingest does"
    : `hot-spot results: about ${HABITS.resultsRecordsPerSecond} documents/s of ${HABITS.resultsRecordBytes} B`;
  const retention = Number(i.retentionPeriod ?? 24);
  const month = (bill: BillLine[], assumption: (line: BillLine) => string | undefined): PricedLine[] =>
    bill.map((l) => ({
      what: l.what,
      quantity: l.perHour * HOURS_PER_MONTH,
      price: l.price,
      assumption: assumption(l),
    }));
  if (i.streamModeDetails?.streamMode === "ON_DEMAND") {
    return month(onDemandBill(load, traffic ? readersOf(ctx) : 1), (l) =>
      l.price === "kinesisOnDemandStreamHour" ? undefined : why,
    );
  }
  const shards = traffic ? ctx.stream.shards : Number(i.shardCount ?? 1);
  const lines = month(provisionedBill(load, shards), (l) =>
    l.price === "kinesisShardHour" ? (traffic ? ctx.stream.sizedBy : undefined) : why,
  );
  if (retention > 24) {
    lines.push({
      what: `extended retention (${retention} h)`,
      quantity: shards * HOURS_PER_MONTH,
      price: "kinesisExtendedRetentionShardHour",
    });
  }
  return lines;
}

/** Who reads the whole pipeline stream: processing, the hot-spot job and the lake when there are. */
function readersOf(ctx: PricingContext): number {
  return (
    1 + (ctx.view.ofType("aws:kinesisanalyticsv2/application:Application").length > 0 ? 1 : 0) + (ctx.lake ? 1 : 0)
  );
}

function fargateLines(r: PlannedResource, ctx: PricingContext): (PricedLine | UnpricedLine)[] {
  const def = ctx.view.taskDefinitionOf(r);
  if (!def) return [{ notPriced: "its task definition is not in the plan: no size to price" }];
  const floor = Number(inputs(r).desiredCount ?? 1);
  const vcpu = Number(inputs(def).cpu) / 1024;
  const memoryGb = Number(inputs(def).memory) / 1024;
  let tasks = floor;
  let why = "the desired count, all month (its autoscaling floor)";
  if (ctx.view.part(r) === "lake") {
    // The lake writer's CPU grows with the rows it writes (bench:lake), so at volume it runs
    // more tasks than its floor, each kept at most LAKE_TASK_CPU_USAGE busy.
    const vcpuNeeded = (ctx.usage.recordsPerSecond * HABITS.lakeCpuMicrosecondsPerRow) / 1e6;
    const needed = Math.ceil(vcpuNeeded / (vcpu * HABITS.lakeTaskCpuUsage));
    if (needed > floor) {
      tasks = needed;
      why = `the lake's ${HABITS.lakeCpuMicrosecondsPerRow} µs of CPU a row (bench:lake) at ${Math.round(HABITS.lakeTaskCpuUsage * 100)}% of each task`;
    }
  }
  return [
    {
      what: `${tasks} x ${vcpu} vCPU`,
      quantity: tasks * vcpu * HOURS_PER_MONTH,
      price: "fargateVcpuHour",
      assumption: why,
    },
    {
      what: `${tasks} x ${memoryGb} GB`,
      quantity: tasks * memoryGb * HOURS_PER_MONTH,
      price: "fargateGbHour",
      assumption: why,
    },
  ];
}

/** Is this plan resource the VPC's Kinesis Data Streams interface endpoint? */
export function isStreamEndpoint(r: PlannedResource): boolean {
  const i = inputs(r);
  return (
    r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" &&
    i.vpcEndpointType === "Interface" &&
    String(i.serviceName ?? "").endsWith(".kinesis-streams")
  );
}

/** The stream's bytes the VPC's tasks move: ingest's writes and each Fargate consumer application's reads. */
function vpcStreamBytesPerSecond(ctx: PricingContext): number {
  return (1 + ctx.fargateReaders) * ctx.stream.load.bytesPerSecond;
}

function natLines(r: PlannedResource, ctx: PricingContext): PricedLine[] {
  const strategy = String(inputs(r).natGateways?.strategy ?? "None");
  const zones = Number(inputs(r).numberOfAvailabilityZones ?? 2);
  const gateways = strategy === "Single" ? 1 : strategy === "OnePerAz" || strategy === "HighlyAvailable" ? zones : 0;
  if (gateways === 0) return [];
  // Only what still crosses NAT: the stream's traffic when the VPC has no Kinesis endpoint.
  // S3 (the lake's objects, image layers) and DynamoDB (leases, tenants) go through free
  // gateway endpoints; the tasks' other calls (CloudWatch Logs, ECR, KMS, Glue) are small
  // and not counted.
  const readers = `${ctx.fargateReaders} Fargate reader${ctx.fargateReaders === 1 ? "" : "s"}`;
  return [
    {
      what: `${gateways} NAT gateway${gateways === 1 ? "" : "s"}`,
      quantity: gateways * HOURS_PER_MONTH,
      price: "natGatewayHour",
    },
    {
      what: "data processed",
      quantity: ctx.streamEndpoint ? 0 : gb(vpcStreamBytesPerSecond(ctx)),
      price: "natGatewayGb",
      assumption: ctx.streamEndpoint
        ? "the stream's traffic goes through the Kinesis endpoint, S3 and DynamoDB through gateway endpoints; Logs, ECR, KMS and Glue calls not counted"
        : `ingest's writes and ${readers}' reads of the stream go through NAT (no Kinesis endpoint); S3 and DynamoDB through gateway endpoints`,
    },
  ];
}

function vpcEndpointLines(r: PlannedResource, ctx: PricingContext): (PricedLine | UnpricedLine | FreeLine)[] {
  const i = inputs(r);
  if (i.vpcEndpointType !== "Interface") {
    return [{ free: "gateway endpoints (S3, DynamoDB) cost nothing (AWS PrivateLink pricing)" }];
  }
  const zones = ((i.subnetIds ?? []) as unknown[]).length;
  const lines: (PricedLine | UnpricedLine | FreeLine)[] = [
    {
      what: `${zones} AZ${zones === 1 ? "" : "s"}`,
      quantity: zones * HOURS_PER_MONTH,
      price: "vpcEndpointAzHour",
    },
  ];
  if (isStreamEndpoint(r)) {
    const readers = `${ctx.fargateReaders} Fargate reader${ctx.fargateReaders === 1 ? "" : "s"}`;
    lines.push({
      what: "data processed",
      quantity: gb(vpcStreamBytesPerSecond(ctx)),
      price: "vpcEndpointGb",
      assumption: `ingest's writes and ${readers}' reads of the stream`,
    });
  } else {
    lines.push({ notPriced: `data through ${String(i.serviceName)}: no traffic model for it` });
  }
  return lines;
}

function albLines(_r: PlannedResource, ctx: PricingContext): PricedLine[] {
  // LCUs: the largest of new connections (25/s), active connections (3,000/min), processed
  // bytes (1 GB/h) and rule evaluations (1,000/s) (ELB pricing page). A client that keeps
  // its connection open makes processed bytes the largest for this traffic.
  const httpBytesPerSecond = ctx.usage.recordsPerSecond * (ctx.usage.recordBytes + HABITS.httpBytesPerRecord);
  const requestsPerSecond = ctx.usage.recordsPerSecond / ctx.usage.recordsPerRequest;
  const lcus = Math.max((httpBytesPerSecond * 3600) / 1e9, requestsPerSecond / 1000);
  const zones = 2;
  return [
    { what: "load balancer-hours", quantity: HOURS_PER_MONTH, price: "albHour" },
    {
      what: "LCU-hours",
      quantity: lcus * HOURS_PER_MONTH,
      price: "albLcuHour",
      assumption: `${HABITS.httpBytesPerRecord} B of HTTP framing a record, ${ctx.usage.recordsPerRequest} records a request, kept-alive connections`,
    },
    { what: `public IPv4 addresses (${zones} zones)`, quantity: zones * HOURS_PER_MONTH, price: "publicIpv4Hour" },
  ];
}

function lambdaLines(r: PlannedResource, ctx: PricingContext): PricedLine[] {
  const memoryGb = Number(inputs(r).memorySize ?? 128) / 1024;
  const scheduled = ctx.view.scheduledRunsPerHour(r) * HOURS_PER_MONTH;
  // A function fed by a stream (the search indexer) runs about once a second per shard while data flows.
  const mappings = ctx.view
    .ofType("aws:lambda/eventSourceMapping:EventSourceMapping")
    .filter((m) => String(inputs(m).functionName ?? "").includes(`:function:${r.name}-`)).length;
  const runs = scheduled + mappings * SECONDS_PER_MONTH;
  if (runs === 0) return [];
  const why =
    mappings > 0
      ? "a run a second per stream mapping, about a second each"
      : `its schedule, about ${HABITS.lambdaSecondsPerRun} s a run`;
  // The lake compactor's runs last as long as merging the hour's Parquet takes.
  const compactor = isLakeCompactor(ctx.view, r);
  const mergeSeconds = compactor
    ? (gb(ctx.userBytesPerSecond) * HABITS.lakeCompression * 1024 * HABITS.lakeMergeMsPerParquetMiB) / 1000
    : 0;
  return [
    { what: "requests", quantity: runs / 1e6, price: "lambdaRequests", assumption: why },
    {
      what: "compute",
      quantity: (runs * HABITS.lambdaSecondsPerRun + mergeSeconds) * memoryGb,
      price: "lambdaGbSecond",
      assumption: compactor
        ? `${why}, and ${HABITS.lakeMergeMsPerParquetMiB} ms a MiB of Parquet merged (bench:lake), each hour's once`
        : why,
    },
  ];
}

function tableLines(r: PlannedResource, ctx: PricingContext): (PricedLine | UnpricedLine)[] {
  if (inputs(r).billingMode !== "PAY_PER_REQUEST") {
    return [
      {
        notPriced: `billing mode ${String(inputs(r).billingMode)}: only on-demand (PAY_PER_REQUEST) tables are priced`,
      },
    ];
  }
  const part = ctx.view.part(r);
  let reads: number;
  let writes = 0;
  let why: string;
  if (part === "processing" || part === "lake") {
    const workers = ctx.view
      .ofType("aws:ecs/service:Service")
      .filter((s) => ctx.view.part(s) === part)
      .reduce((n, s) => n + Number(inputs(s).desiredCount ?? 1), 0);
    const lake = part === "lake" && ctx.lake;
    // The lake checkpoints once a segment, not once a second.
    const checkpointsPerShardPerSecond = lake
      ? ctx.lake!.segmentsPerHour / Math.max(1, ctx.stream.shards) / 3600
      : HABITS.checkpointsPerShardPerSecond;
    writes = ctx.stream.shards * (HABITS.renewalsPerShardPerSecond + checkpointsPerShardPerSecond);
    reads = workers * HABITS.leaseReadsPerWorkerPerSecond * ctx.stream.shards;
    why = lake
      ? "leases: a renewal every 10 s per shard, a checkpoint a segment, a table scan every 10 s per worker"
      : "leases: a renewal every 10 s and a checkpoint a second per shard, a table scan every 10 s per worker";
  } else if (part === "scaling") {
    reads = HABITS.scalerRunsPerHour / 3600;
    writes = 10 / 86_400;
    why = "the scaler's history: a read a run, at most 10 writes a day";
  } else {
    // A tenants table (ingest's API keys): each ingest task refreshes each tenant's key in use.
    reads = ctx.usage.tenants * ctx.ingestTasks * HABITS.tenantReadsPerKeyPerTaskPerSecond;
    why = `tenants: each ingest task reads each of ${ctx.usage.tenants} tenant${ctx.usage.tenants === 1 ? "" : "s"}' key and tenant items every ${((TENANT_DEFAULTS.cacheTtlMs / 1000) * (1 - REFRESH_AHEAD)).toFixed(0)} s (its cache's refresh)`;
  }
  return [
    { what: "read request units", quantity: millions(reads), price: "dynamodbReads", assumption: why },
    { what: "write request units", quantity: millions(writes), price: "dynamodbWrites", assumption: why },
  ];
}

function searchDomainLines(r: PlannedResource): PricedLine[] {
  const cluster = inputs(r).clusterConfig ?? {};
  const count = Number(cluster.instanceCount ?? 1);
  const type = String(cluster.instanceType);
  const ebs = inputs(r).ebsOptions ?? {};
  const lines: PricedLine[] = [
    { what: `${count} x ${type}`, quantity: count * HOURS_PER_MONTH, price: `opensearch:${type}` as PriceKey },
  ];
  if (ebs.ebsEnabled) {
    const volume = Number(ebs.volumeSize ?? 10);
    if (ebs.volumeType !== "gp3") {
      return [
        ...lines,
        {
          what: `${count} x ${volume} GB ${ebs.volumeType}`,
          quantity: count * volume,
          price: `opensearch:${ebs.volumeType}` as PriceKey,
        },
      ];
    }
    lines.push({ what: `${count} x ${volume} GB gp3`, quantity: count * volume, price: "opensearchGp3GbMonth" });
  }
  return lines;
}

function flinkLines(r: PlannedResource): PricedLine[] {
  const p = inputs(r).applicationConfiguration?.flinkApplicationConfiguration?.parallelismConfiguration ?? {};
  const kpus = Math.ceil(Number(p.parallelism ?? 1) / Number(p.parallelismPerKpu ?? 1));
  return [
    {
      what: `${kpus} KPU${kpus === 1 ? "" : "s"} + ${FLINK_ORCHESTRATION_KPUS} orchestration`,
      quantity: (kpus + FLINK_ORCHESTRATION_KPUS) * HOURS_PER_MONTH,
      price: "flinkKpuHour",
      assumption: "the configured parallelism all month (its scaler's floor)",
    },
    { what: "running application storage", quantity: kpus * HABITS.flinkStorageGbPerKpu, price: "flinkStorageGbMonth" },
  ];
}

function alarmLines(r: PlannedResource): PricedLine[] {
  const queries = (inputs(r).metricQueries ?? []) as { metric?: unknown }[];
  const metrics = queries.length > 0 ? queries.filter((q) => q.metric).length || 1 : 1;
  return [
    { what: `${metrics} metric${metrics === 1 ? "" : "s"}`, quantity: metrics, price: "cloudwatchAlarmMetricMonth" },
  ];
}

function logGroupLines(r: PlannedResource, ctx: PricingContext): PricedLine[] {
  const retentionMonths = Math.min(Number(inputs(r).retentionInDays ?? 30), 3653) / 30;
  const ingested = ctx.usage.logGbPerGroupMonth;
  const why = `${ingested} GB a month (--log-gb-per-group)`;
  return [
    { what: "ingestion", quantity: ingested, price: "cloudwatchLogsIngestGb", assumption: why },
    {
      what: "storage",
      quantity: ingested * Math.min(1, retentionMonths),
      price: "cloudwatchLogsStorageGbMonth",
      assumption: why,
    },
  ];
}

function bucketLines(r: PlannedResource, ctx: PricingContext): PricedLine[] {
  const part = ctx.view.part(r);
  // The lake's other bucket holds Athena's query results for a week: small objects.
  if (part === "lake" && !r.name.endsWith("-query-results")) {
    const stored = gb(ctx.userBytesPerSecond) * HABITS.lakeCompression;
    const lake = ctx.lake;
    const lines: PricedLine[] = [
      {
        what: "storage (the first month's data)",
        quantity: stored,
        price: "s3StandardGbMonth",
        assumption: `Parquet at ${HABITS.lakeCompression} of the records' bytes`,
      },
    ];
    if (lake) {
      lines.push({
        what: "PUT requests",
        quantity: (lake.putsPerHour * HOURS_PER_MONTH) / 1000,
        price: "s3PutRequests",
        assumption: `${lake.segmentsPerHour.toFixed(1)} segments an hour (${lake.rollBytes / 2 ** 20} MiB or ${lake.rollSeconds} s), a claim and an object per tenant each, each shard's progress once a minute`,
      });
      if (lake.compaction) {
        lines.push(
          {
            what: "compaction GET requests",
            quantity: (lake.compaction.getsPerHour * HOURS_PER_MONTH) / 1000,
            price: "s3GetRequests",
            assumption:
              "each segment object read once to merge it; every run reads the state and each shard's progress",
          },
          {
            what: "compaction PUT, tagging and LIST requests",
            quantity: (lake.compaction.putsPerHour * HOURS_PER_MONTH) / 1000,
            price: "s3PutRequests",
            assumption: "each segment object tagged once; per tenant and hour a part and four listings",
          },
        );
      }
    }
    return lines;
  }
  if (part === "ingest") {
    // The load balancer's access logs: a line of about 500 B a request, compressed 5x.
    const requests = ctx.usage.recordsPerSecond / ctx.usage.recordsPerRequest;
    return [
      {
        what: "access logs (a month kept)",
        quantity: gb((requests * 500) / 5),
        price: "s3StandardGbMonth",
        assumption: "a 500 B log line a request, gzip 5x",
      },
    ];
  }
  return [
    { what: "storage (code and small objects)", quantity: 0.1, price: "s3StandardGbMonth", assumption: "about 100 MB" },
  ];
}

/** Every resource type a plan of this program holds (or will: the lake's, the tenants'). */
export const PRICE_RULES: Record<string, PriceRule> = {
  "aws:kinesis/stream:Stream": priced(streamLines),
  "aws:kinesis/streamConsumer:StreamConsumer": priced((_r, ctx) => [
    {
      what: "consumer-shard-hours",
      quantity: ctx.stream.shards * HOURS_PER_MONTH,
      price: "kinesisFanOutConsumerShardHour",
    },
    {
      what: "data read",
      quantity: gb(ctx.stream.load.bytesPerSecond),
      price: "kinesisFanOutGb",
      assumption: "reads the whole stream",
    },
  ]),
  "aws:ecs/service:Service": priced(fargateLines),
  "aws:ecs/taskDefinition:TaskDefinition": elsewhere(
    "billed as its tasks run: the services' lines (a one-off task such as the replay: not counted)",
  ),
  "aws:ecs/cluster:Cluster": free("ECS clusters cost nothing; their tasks do"),
  "awsx:ec2:Vpc": priced(natLines),
  "aws:ec2/vpcEndpoint:VpcEndpoint": priced(vpcEndpointLines),
  "aws:ec2/eip:Eip": priced(() => [
    { what: "public IPv4 address", quantity: HOURS_PER_MONTH, price: "publicIpv4Hour" },
  ]),
  "aws:ec2/flowLog:FlowLog": elsewhere("its records are priced as its log group's ingestion"),
  "aws:ec2/securityGroup:SecurityGroup": free("security groups cost nothing"),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": free("security group rules cost nothing"),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": free("security group rules cost nothing"),
  "awsx:lb:ApplicationLoadBalancer": priced(albLines),
  "awsx:ecr:Image": priced(() => [
    {
      what: "image storage",
      quantity: HABITS.imageGb,
      price: "ecrStorageGbMonth",
      assumption: `one image of about ${HABITS.imageGb} GB`,
    },
  ]),
  "aws:ecr/repository:Repository": elsewhere("its storage is the image's line"),
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": free("lifecycle policies cost nothing (they keep storage down)"),
  "aws:lambda/function:Function": priced(lambdaLines),
  "aws:lambda/permission:Permission": free("permissions cost nothing"),
  "aws:lambda/eventSourceMapping:EventSourceMapping": elsewhere("its runs are its function's requests"),
  "aws:lambda/invocation:Invocation": free("one run a deploy: a fraction of a cent"),
  "aws:dynamodb/table:Table": priced(tableLines),
  "aws:kinesisanalyticsv2/application:Application": priced(flinkLines),
  "aws:opensearch/domain:Domain": priced(searchDomainLines),
  "aws:opensearch/domainPolicy:DomainPolicy": free("access policies cost nothing"),
  "aws:kms/key:Key": priced((r, ctx) => {
    const clients = ctx.view.part(r) === "stream" ? ctx.streamClients : 1;
    return [
      { what: "key", quantity: 1, price: "kmsKeyMonth" },
      {
        what: "requests",
        quantity: (clients * HABITS.kmsRequestsPerClientPerHour * HOURS_PER_MONTH) / 10_000,
        price: "kmsRequests",
        assumption: "a data key every 5 minutes per writer and reader",
      },
    ];
  }),
  "aws:kms/alias:Alias": free("aliases cost nothing"),
  "aws:cloudwatch/metricAlarm:MetricAlarm": priced(alarmLines),
  "aws:cloudwatch/dashboard:Dashboard": priced(() => [
    { what: "dashboard", quantity: 1, price: "cloudwatchDashboardMonth" },
  ]),
  "aws:cloudwatch/logGroup:LogGroup": priced(logGroupLines),
  "aws:cloudwatch/logStream:LogStream": elsewhere("its events are its group's ingestion"),
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": free("resource policies cost nothing"),
  "aws:cloudwatch/eventRule:EventRule": free("scheduled rules cost nothing; the runs are the function's requests"),
  "aws:cloudwatch/eventTarget:EventTarget": free("targets cost nothing"),
  "aws:secretsmanager/secret:Secret": priced(() => [{ what: "secret", quantity: 1, price: "secretMonth" }]),
  "aws:secretsmanager/secretVersion:SecretVersion": elsewhere("billed per secret"),
  "aws:sns/topic:Topic": priced(() => [
    {
      what: "publishes",
      quantity: 0.001,
      price: "snsRequests",
      assumption: "alarm notifications: about a thousand a month",
    },
  ]),
  "aws:sns/topicPolicy:TopicPolicy": free("topic policies cost nothing"),
  "aws:sns/topicSubscription:TopicSubscription": free("deliveries to Lambda and e-mail: within the topic's lines"),
  "aws:sqs/queue:Queue": priced(() => [
    { what: "requests", quantity: 0.001, price: "sqsRequests", assumption: "a dead-letter queue: rarely written" },
  ]),
  "aws:s3/bucket:Bucket": priced(bucketLines),
  "aws:s3/bucketV2:BucketV2": priced(bucketLines),
  "aws:s3/bucketObjectv2:BucketObjectv2": elsewhere("its bytes are its bucket's storage"),
  "aws:s3/bucketPolicy:BucketPolicy": free("bucket settings cost nothing"),
  "aws:s3/bucketVersioning:BucketVersioning": free("bucket settings cost nothing"),
  "aws:s3/bucketVersioningV2:BucketVersioningV2": free("bucket settings cost nothing"),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": free("bucket settings cost nothing"),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": free("bucket settings cost nothing"),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    free("bucket settings cost nothing"),
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
    free("bucket settings cost nothing"),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": free("bucket settings cost nothing"),
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": free("bucket settings cost nothing"),
  "aws:glue/registry:Registry": free("the Glue Schema Registry costs nothing (Glue pricing page)"),
  "aws:glue/schema:Schema": free("the Glue Schema Registry costs nothing (Glue pricing page)"),
  "aws:glue/catalogDatabase:CatalogDatabase": free("within the Data Catalog's free first million objects"),
  "aws:glue/catalogTable:CatalogTable": free(
    "within the Data Catalog's free first million objects (partitions count as objects)",
  ),
  "aws:athena/namedQuery:NamedQuery": free("saved queries cost nothing: Athena prices the data a query scans"),
  "aws:athena/workgroup:Workgroup": priced((_r, ctx) => [
    {
      what: "data scanned",
      quantity: (ctx.usage.athenaScanGbPerDay * DAYS_PER_MONTH) / 1024,
      price: "athenaTbScanned",
      assumption: `${ctx.usage.athenaScanGbPerDay} GB scanned a day (--athena-scan-gb-per-day)`,
    },
  ]),
  "aws:iam/role:Role": free("IAM costs nothing"),
  "aws:iam/rolePolicy:RolePolicy": free("IAM costs nothing"),
  "aws:iam/policy:Policy": free("IAM costs nothing"),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": free("IAM costs nothing"),
  "aws:appautoscaling/target:Target": free("Application Auto Scaling costs nothing; the tasks it adds do"),
  "aws:appautoscaling/policy:Policy": free("Application Auto Scaling costs nothing; its alarms are AWS-managed"),
};

/** Our own components and the stack: groupings whose children carry the cost. */
export function isGrouping(type: string): boolean {
  return type.startsWith("kinesis-pipeline:") || type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}
