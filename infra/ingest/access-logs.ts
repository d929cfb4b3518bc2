/**
 * Where the ingest load balancer writes its access logs (one line per request: client,
 * latencies, status, TLS cipher): a private bucket (private-bucket.ts) whose policy lets
 * this region's ELB log delivery put objects under this account's prefix only, and whose
 * lifecycle deletes them after `retentionDays`. Access logs take SSE-S3 encryption only
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html,
 * Step 1), which is what every private bucket has.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCESS_LOG_WRITE_ACTIONS, logDeliveryPrincipal } from "./elb-log-delivery";
import { privateBucket } from "../common/private-bucket";

/** The key prefix the load balancer writes under (it adds AWSLogs/<account>/...). */
export const ACCESS_LOG_PREFIX = "ingest";

export interface IngestAccessLogsArgs {
  /** Days a log object stays before S3 deletes it. */
  retentionDays: number;
}

export interface IngestAccessLogs {
  /** The load balancer's `accessLogs` argument. */
  settings: { bucket: pulumi.Output<string>; prefix: string; enabled: true };
  /**
   * What the load balancer must wait for: it writes a test object when access logs are
   * turned on, and fails to start unless the policy is already in place.
   */
  ready: pulumi.Resource[];
}

export function ingestAccessLogs(name: string, args: IngestAccessLogsArgs, owner: pulumi.Resource): IngestAccessLogs {
  // The principal must be known while the program runs (the bucket policy is plain JSON),
  // so the region comes from the stack's aws:region, as the provider's does.
  const region = aws.config.region;
  if (!region) throw new Error("aws:region must be set: pulumi config set aws:region us-east-1");
  const principal = logDeliveryPrincipal(region);
  const account = aws.getCallerIdentityOutput({}, { parent: owner }).accountId;
  const { bucket, policy } = privateBucket(
    name,
    {
      // The logs serve this load balancer only and expire anyway: destroy takes them along.
      forceDestroy: true,
      statements: (arn) => [
        {
          Sid: "LoadBalancerLogDelivery",
          Effect: "Allow",
          Principal: principal,
          Action: ACCESS_LOG_WRITE_ACTIONS,
          // This account's load balancers only: the account is part of the key they write.
          Resource: [pulumi.interpolate`${arn}/${ACCESS_LOG_PREFIX}/AWSLogs/${account}/*`],
        },
      ],
    },
    owner,
  );
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: { prefix: `${ACCESS_LOG_PREFIX}/` },
          expiration: { days: args.retentionDays },
        },
      ],
    },
    { parent: owner },
  );
  return {
    settings: { bucket: bucket.bucket, prefix: ACCESS_LOG_PREFIX, enabled: true },
    ready: [policy, lifecycle],
  };
}
