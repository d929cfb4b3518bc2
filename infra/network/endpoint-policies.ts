/**
 * What the VPC endpoints let through: one policy document per endpoint, built from the
 * contracts of the parts whose tasks run in the private subnets, so a call a part declares
 * is admitted by the endpoint as it is granted to the part's role. An endpoint policy does
 * not grant anything: a request must be allowed by it and by the caller's IAM policy
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html). Pure:
 * ARNs in, documents out.
 */
import { AnyContract } from "../../runtime/common/contract";
import { INGEST } from "../../runtime/ingest/contract";
import { LAKE } from "../../runtime/lake/contract";
import { PROCESSING } from "../../runtime/processing/service-contract";
import { REPLAY } from "../../runtime/replay/contract";
import { MISSING_OBJECT_ACTIONS } from "../common/s3-missing-objects";

/** The parts whose Fargate tasks run in the private subnets, and so reach AWS through these endpoints. */
export const VPC_PARTS: readonly AnyContract[] = [INGEST, PROCESSING, LAKE, REPLAY];

/**
 * S3 actions no part calls but S3 checks for a call: without s3:ListBucket a GetObject of a
 * missing claim is refused (403) instead of not found (404), and the endpoint's policy takes
 * part in that check as the role's does.
 */
export const S3_CHECKED_ACTIONS: readonly string[] = Object.keys(MISSING_OBJECT_ACTIONS);

/** Every action of one AWS service ("kinesis") that the VPC's parts declare, in any configuration, each once, sorted. */
export function vpcActions(service: string, parts: readonly AnyContract[] = VPC_PARTS): string[] {
  const actions = parts.flatMap((p) => p.calls.map((c) => c.action)).filter((a) => a.startsWith(`${service}:`));
  return [...new Set(actions)].sort();
}

export interface EndpointStatement {
  Sid: string;
  Effect: "Allow";
  Principal: "*";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface EndpointPolicy {
  Version: "2012-10-17";
  Statement: EndpointStatement[];
}

const allow = (s: Omit<EndpointStatement, "Effect" | "Principal">): EndpointStatement => ({
  Sid: s.Sid,
  Effect: "Allow",
  Principal: "*",
  Action: s.Action,
  Resource: s.Resource,
  ...(s.Condition ? { Condition: s.Condition } : {}),
});

/**
 * The bucket ECR keeps image layers in: Fargate pulls an image's manifest from ECR, then its
 * layers from this AWS-owned bucket through the S3 gateway endpoint, so a policy without it
 * stops every task from starting ("Minimum Amazon S3 bucket permissions for Amazon ECR",
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway).
 */
export function ecrLayerBucketArn(region: string): string {
  return `arn:aws:s3:::prod-${region}-starport-layer-bucket/*`;
}

/**
 * The S3 gateway endpoint's policy. A gateway endpoint is the route to every bucket of the
 * region, and a request its policy refuses does not fall back to NAT: it is refused. So it
 * admits (1) the S3 actions the pipeline's parts declare, on any bucket of this account
 * (aws:ResourceAccount, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount):
 * the lake bucket today, and any bucket a part is granted tomorrow, while data cannot leave
 * for another account's bucket; and (2) reading ECR's image layers, the one AWS-owned
 * bucket the tasks read (no other bucket of another account is reached: the task roles
 * grant S3 on the lake bucket only).
 */
export function s3EndpointPolicy(args: {
  region: string;
  account: string;
  parts?: readonly AnyContract[];
}): EndpointPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      allow({
        Sid: "PipelineBuckets",
        Action: [...new Set([...vpcActions("s3", args.parts), ...S3_CHECKED_ACTIONS])].sort(),
        Resource: ["arn:aws:s3:::*"],
        Condition: { StringEquals: { "aws:ResourceAccount": args.account } },
      }),
      allow({ Sid: "EcrImageLayers", Action: ["s3:GetObject"], Resource: [ecrLayerBucketArn(args.region)] }),
    ],
  };
}

/** The DynamoDB gateway endpoint's policy: the parts' DynamoDB actions on this account's tables (leases, tenants) in the region. */
export function dynamodbEndpointPolicy(args: {
  region: string;
  account: string;
  parts?: readonly AnyContract[];
}): EndpointPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      allow({
        Sid: "PipelineTables",
        Action: vpcActions("dynamodb", args.parts),
        Resource: [`arn:aws:dynamodb:${args.region}:${args.account}:table/*`],
      }),
    ],
  };
}

/**
 * The Kinesis Data Streams interface endpoint's policy: the parts' Kinesis actions on the
 * pipeline's stream and its enhanced fan-out consumers (SubscribeToShard acts on a
 * consumer's ARN, `<stream ARN>/consumer/<name>:<timestamp>`). AWS documents exactly this
 * use: "restrict access to a specific Kinesis data stream" through the endpoint
 * (https://docs.aws.amazon.com/streams/latest/dev/vpc.html#interface-vpc-endpoints-policies).
 */
export function streamEndpointPolicy(args: { streamArn: string; parts?: readonly AnyContract[] }): EndpointPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      allow({
        Sid: "PipelineStream",
        Action: vpcActions("kinesis", args.parts),
        Resource: [args.streamArn, `${args.streamArn}/consumer/*`],
      }),
    ],
  };
}
