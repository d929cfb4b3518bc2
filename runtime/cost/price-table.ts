/**
 * What AWS charges for what this pipeline uses, per region: the one price table that
 * `npm run cost`, the scaling simulator and the live page read. On-demand list prices in
 * USD, free tiers not subtracted, taxes excluded.
 *
 * Each price names the AWS pricing page it comes from and when it was last checked. AWS's
 * pages render their tables in the browser, so the figures were checked (2026-12-07, with
 * the project's search tool) against pages that quote them, named in `checkedAgainst`; a
 * price without it is the figure of ARCHITECTURE.md (learned 2026-12), or AWS's long-standing
 * list price, that no quoting page confirmed here. Check a price on its page before relying on it for a budget.
 */

/** The AWS pricing pages the prices come from. */
export const PRICE_PAGES = {
  kinesis: "https://aws.amazon.com/kinesis/data-streams/pricing/",
  fargate: "https://aws.amazon.com/fargate/pricing/",
  vpc: "https://aws.amazon.com/vpc/pricing/",
  privatelink: "https://aws.amazon.com/privatelink/pricing/",
  elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
  lambda: "https://aws.amazon.com/lambda/pricing/",
  dynamodb: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
  flink: "https://aws.amazon.com/managed-service-apache-flink/pricing/",
  opensearch: "https://aws.amazon.com/opensearch-service/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  secretsmanager: "https://aws.amazon.com/secrets-manager/pricing/",
  sns: "https://aws.amazon.com/sns/pricing/",
  sqs: "https://aws.amazon.com/sqs/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
  athena: "https://aws.amazon.com/athena/pricing/",
  glue: "https://aws.amazon.com/glue/pricing/",
  ecr: "https://aws.amazon.com/ecr/pricing/",
  firehose: "https://aws.amazon.com/firehose/pricing/",
} as const;
export type PricePage = keyof typeof PRICE_PAGES;

export interface Price {
  usd: number;
  /** What one `usd` buys, e.g. "shard-hour", "1M PUT payload units". */
  unit: string;
  page: PricePage;
  /** A page that quotes the same figure, found when the price was checked. */
  checkedAgainst?: string;
}

const price = (usd: number, unit: string, page: PricePage, checkedAgainst?: string): Price => ({
  usd,
  unit,
  page,
  checkedAgainst,
});

/** The prices of one region; the keys are the same in every region. */
function usEast1() {
  return {
    kinesisShardHour: price(0.015, "shard-hour", "kinesis", "https://c3x.dev/resources/aws/aws_kinesis_stream"),
    kinesisPutPayloadUnits: price(
      0.014,
      "1M PUT payload units (25 KB)",
      "kinesis",
      "https://awsnegotiations.com/kinesis-pricing-optimization.html",
    ),
    /** Retention beyond 24 hours, up to 7 days. */
    kinesisExtendedRetentionShardHour: price(
      0.02,
      "shard-hour",
      "kinesis",
      "https://awsnegotiations.com/kinesis-pricing-optimization.html",
    ),
    kinesisOnDemandStreamHour: price(0.04, "stream-hour", "kinesis"),
    /** On-demand data in: each record rounded up to 1 KB. */
    kinesisOnDemandGbIn: price(0.08, "GB in", "kinesis"),
    kinesisOnDemandGbOut: price(0.04, "GB out", "kinesis"),
    kinesisFanOutConsumerShardHour: price(
      0.015,
      "consumer-shard-hour",
      "kinesis",
      "https://c3x.dev/resources/aws/aws_kinesis_stream",
    ),
    kinesisFanOutGb: price(0.013, "GB read by fan-out", "kinesis", "https://c3x.dev/resources/aws/aws_kinesis_stream"),
    fargateVcpuHour: price(0.04048, "vCPU-hour", "fargate", "https://www.vantage.sh/blog/fargate-pricing"),
    fargateGbHour: price(0.004445, "GB-hour", "fargate", "https://www.vantage.sh/blog/fargate-pricing"),
    natGatewayHour: price(0.045, "NAT gateway-hour", "vpc", "https://basavytix.com/blog/aws-nat-gateway-pricing"),
    natGatewayGb: price(0.045, "GB processed", "vpc", "https://basavytix.com/blog/aws-nat-gateway-pricing"),
    /**
     * An interface VPC endpoint, per Availability Zone it has an interface in, and the data it
     * processes (the first PB a month in the region; gateway endpoints for S3 and DynamoDB
     * cost nothing). AWS's page states how each is billed; the figures are quoted there.
     */
    vpcEndpointAzHour: price(
      0.01,
      "endpoint AZ-hour",
      "privatelink",
      "https://awsnegotiations.com/privatelink-cost-analysis.html",
    ),
    vpcEndpointGb: price(
      0.01,
      "GB processed",
      "privatelink",
      "https://awsnegotiations.com/privatelink-cost-analysis.html",
    ),
    publicIpv4Hour: price(
      0.005,
      "public IPv4 address-hour",
      "vpc",
      "https://cloudburn.io/blog/aws-nat-gateway-pricing",
    ),
    albHour: price(0.0225, "load balancer-hour", "elb"),
    albLcuHour: price(0.008, "LCU-hour", "elb"),
    lambdaRequests: price(0.2, "1M requests", "lambda"),
    lambdaGbSecond: price(0.0000166667, "GB-second", "lambda"),
    dynamodbWrites: price(0.625, "1M write request units", "dynamodb"),
    dynamodbReads: price(0.125, "1M read request units", "dynamodb"),
    dynamodbStorageGbMonth: price(0.25, "GB-month", "dynamodb"),
    flinkKpuHour: price(
      0.11,
      "KPU-hour",
      "flink",
      "quoted as $0.11 per KPU-hour in several public cost scripts (code search)",
    ),
    /** Running application storage: 50 GB per KPU. */
    flinkStorageGbMonth: price(0.1, "GB-month", "flink"),
    "opensearch:t3.small.search": price(
      0.036,
      "instance-hour",
      "opensearch",
      "quoted in several public us-east-1 OpenSearch price lists (code search)",
    ),
    "opensearch:t3.medium.search": price(0.073, "instance-hour", "opensearch"),
    opensearchGp3GbMonth: price(0.122, "GB-month", "opensearch"),
    kmsKeyMonth: price(1, "key-month", "kms"),
    kmsRequests: price(0.03, "10K requests", "kms"),
    /** A standard-resolution alarm, per metric it reads (metric math: each metric). */
    cloudwatchAlarmMetricMonth: price(0.1, "alarm metric-month", "cloudwatch"),
    cloudwatchDashboardMonth: price(3, "dashboard-month", "cloudwatch"),
    cloudwatchLogsIngestGb: price(0.5, "GB ingested", "cloudwatch"),
    cloudwatchLogsStorageGbMonth: price(0.03, "GB-month", "cloudwatch"),
    cloudwatchCustomMetricMonth: price(0.3, "metric-month", "cloudwatch"),
    secretMonth: price(0.4, "secret-month", "secretsmanager"),
    snsRequests: price(0.5, "1M requests", "sns"),
    sqsRequests: price(0.4, "1M requests", "sqs"),
    s3StandardGbMonth: price(0.023, "GB-month", "s3"),
    s3PutRequests: price(0.005, "1K PUT requests", "s3"),
    s3GetRequests: price(0.0004, "1K GET requests", "s3"),
    athenaTbScanned: price(5, "TB scanned", "athena"),
    /** The Data Catalog's first million objects and requests a month are free. */
    glueCatalogObjectsMonth: price(0.00001, "object-month beyond the first million", "glue"),
    ecrStorageGbMonth: price(0.1, "GB-month", "ecr"),
    /**
     * Firehose, only to compare the lake writer with (runtime/cost/firehose-bill.ts): the stack
     * creates no delivery stream. Ingestion (Direct PUT or a Kinesis stream as the source) and
     * format conversion bill each record rounded up to 5 KB; the first 500 TB a month is this
     * tier. AWS's pricing page (its German edition, found with the search tool) confirms how
     * each is billed; the figures are AWS's list prices as known in 2026-12, not confirmed by
     * a quoting page here.
     */
    firehoseIngestGb: price(0.029, "GB ingested (records rounded up to 5 KB)", "firehose"),
    firehoseFormatConversionGb: price(0.018, "GB converted (records rounded up to 5 KB)", "firehose"),
    firehoseDynamicPartitioningGb: price(0.02, "GB delivered by dynamic partitioning", "firehose"),
    firehoseDynamicPartitioningObjects: price(0.005, "1K objects delivered by dynamic partitioning", "firehose"),
  };
}

export type RegionPrices = ReturnType<typeof usEast1>;
export type PriceKey = keyof RegionPrices;

export interface PriceSheet {
  region: string;
  /** When the sheet's prices were last checked against their pages. */
  checked: string;
  prices: RegionPrices;
}

/** Every region the table has prices for. */
export const PRICE_TABLE: Readonly<Record<string, PriceSheet>> = {
  "us-east-1": { region: "us-east-1", checked: "2026-12-07", prices: usEast1() },
};

export class UnpricedRegionError extends Error {}

/** The region's price sheet, or an error naming the regions there are. */
export function priceSheet(region: string, table: Readonly<Record<string, PriceSheet>> = PRICE_TABLE): PriceSheet {
  const sheet = table[region];
  if (!sheet) {
    throw new UnpricedRegionError(
      `no prices for region ${JSON.stringify(region)}: the price table (runtime/cost/price-table.ts) has ${Object.keys(table).join(", ")}. Add the region's prices there, or estimate in one of these.`,
    );
  }
  return sheet;
}

/** Hours in the month the estimate prices: AWS's calculator uses 730 (8,760 / 12). */
export const HOURS_PER_MONTH = 730;
