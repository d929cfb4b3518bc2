/**
 * Who writes an Application Load Balancer's access logs into S3, by region, and what the
 * log bucket must allow it: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 * (Step 2, "Attach a policy to your S3 bucket"). Regions available before August 2022 deliver
 * as a regional ELB account, named in the bucket policy as an AWS principal; every region
 * launched since delivers as the logdelivery.elasticloadbalancing.amazonaws.com service
 * principal ("Regions that are not in this list never supported the legacy bucket
 * policy", https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html).
 * AWS now recommends the service principal in the old regions too and still supports the
 * account there; the account is what those regions have delivered as from the start.
 */

/**
 * The ELB accounts of the regions available before August 2022 (the list in the pages
 * above). GovCloud's accounts are left out: this program writes `arn:aws` ARNs only.
 */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

/**
 * Regions launched since August 2022: Hyderabad, Melbourne, Spain, Zurich and UAE as the
 * page lists them, then Tel Aviv, Calgary, Malaysia, Thailand, Mexico, Taipei and New
 * Zealand, which were never on the legacy list.
 */
export const ELB_LOG_SERVICE_REGIONS: readonly string[] = [
  "ap-south-2",
  "ap-southeast-4",
  "eu-south-2",
  "eu-central-2",
  "me-central-1",
  "il-central-1",
  "ca-west-1",
  "ap-southeast-5",
  "ap-southeast-7",
  "mx-central-1",
  "ap-east-2",
  "ap-southeast-6",
];

export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The one action log delivery needs, on `<bucket>/<prefix>/AWSLogs/<account>/*` (same page). */
export const ACCESS_LOG_WRITE_ACTIONS = ["s3:PutObject"] as const;

/**
 * How long access logs stay: S3 lifecycle expiration takes a positive number of days
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html); ten
 * years is our ceiling, 90 days the default (long enough to look back over a quarter).
 */
export const ACCESS_LOG_LIMITS = { minDays: 1, maxDays: 3650, defaultDays: 90 } as const;

export type LogDeliveryPrincipal = { AWS: string } | { Service: string };

/** The principal that delivers access logs in `region`; a region not in the tables is refused. */
export function logDeliveryPrincipal(region: string): LogDeliveryPrincipal {
  const account = ELB_LOG_ACCOUNTS[region];
  if (account) return { AWS: `arn:aws:iam::${account}:root` };
  if (ELB_LOG_SERVICE_REGIONS.includes(region)) return { Service: ELB_LOG_DELIVERY_SERVICE };
  throw new Error(
    `the ingest load balancer's access logs cannot be delivered in region ${JSON.stringify(region)}: ` +
      `no ELB log delivery principal is known for it (infra/ingest/elb-log-delivery.ts). Known regions: ` +
      `${[...Object.keys(ELB_LOG_ACCOUNTS), ...ELB_LOG_SERVICE_REGIONS].sort().join(", ")}. ` +
      `Set aws:region to one of them, or add the region from ` +
      `https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html`,
  );
}
