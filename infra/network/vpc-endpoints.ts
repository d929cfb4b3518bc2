/**
 * The VPC's endpoints, so that the pipeline's bulk traffic does not pay NAT's $0.045/GB:
 * gateway endpoints for S3 (the lake's objects, ECR's image layers) and DynamoDB (leases,
 * tenants), free, on the private subnets' route tables; and, unless turned off, an
 * interface endpoint for Kinesis Data Streams ($0.01 an AZ-hour and $0.01/GB,
 * https://aws.amazon.com/privatelink/pricing/), whose private DNS takes over the stream's
 * names in the VPC (kinesis.<region>.amazonaws.com and the account's
 * <account>.control-kinesis / <account>.data-kinesis names the SDK uses for calls that carry
 * an ARN, SubscribeToShard's HTTP/2 included: the endpoint passes TCP through, and "you do
 * not need to change the settings for your streams, producers, or consumers",
 * https://docs.aws.amazon.com/streams/latest/dev/vpc.html).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dynamodbEndpointPolicy, s3EndpointPolicy, streamEndpointPolicy } from "./endpoint-policies";

export const HTTPS = 443;

export interface VpcEndpointsArgs {
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string[]>;
  /** The pipeline's stream, the one the Kinesis endpoint admits. */
  streamArn: pulumi.Input<string>;
  /** An interface endpoint for Kinesis Data Streams (config streamVpcEndpoint). */
  streamEndpoint: boolean;
}

export interface VpcEndpoints {
  s3: aws.ec2.VpcEndpoint;
  dynamodb: aws.ec2.VpcEndpoint;
  stream?: aws.ec2.VpcEndpoint;
  /** The Kinesis endpoint's group: HTTPS in from the task groups admitted, nothing else. */
  streamSecurityGroup?: aws.ec2.SecurityGroup;
}

/** The route tables of the private subnets, each once (subnets may share one). */
function privateRouteTableIds(subnetIds: pulumi.Input<string[]>, owner: pulumi.Resource): pulumi.Output<string[]> {
  return pulumi
    .output(subnetIds)
    .apply((ids) => Promise.all(ids.map((subnetId) => aws.ec2.getRouteTable({ subnetId }, { parent: owner }))))
    .apply((tables) => [...new Set(tables.map((t) => t.routeTableId))]);
}

export function vpcEndpoints(name: string, args: VpcEndpointsArgs, owner: pulumi.Resource): VpcEndpoints {
  const parent = { parent: owner };
  const region = aws.getRegionOutput({}, parent).region;
  const account = aws.getCallerIdentityOutput({}, parent).accountId;
  const routeTableIds = privateRouteTableIds(args.privateSubnetIds, owner);
  const gateway = (service: "s3" | "dynamodb", policy: pulumi.Input<string>) =>
    new aws.ec2.VpcEndpoint(
      `${name}-${service}`,
      {
        vpcId: args.vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
        vpcEndpointType: "Gateway",
        routeTableIds,
        policy,
      },
      parent,
    );
  const s3 = gateway(
    "s3",
    pulumi.all([region, account]).apply(([r, a]) => JSON.stringify(s3EndpointPolicy({ region: r, account: a }))),
  );
  const dynamodb = gateway(
    "dynamodb",
    pulumi.all([region, account]).apply(([r, a]) => JSON.stringify(dynamodbEndpointPolicy({ region: r, account: a }))),
  );
  if (!args.streamEndpoint) return { s3, dynamodb };

  const streamSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-kinesis`,
    // No egress rule: the endpoint's interfaces only answer.
    { vpcId: args.vpcId, description: "Kinesis Data Streams endpoint: HTTPS in from the pipeline's tasks" },
    parent,
  );
  const stream = new aws.ec2.VpcEndpoint(
    `${name}-kinesis`,
    {
      vpcId: args.vpcId,
      serviceName: pulumi.interpolate`com.amazonaws.${region}.kinesis-streams`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: args.privateSubnetIds,
      securityGroupIds: [streamSecurityGroup.id],
      policy: pulumi.output(args.streamArn).apply((streamArn) => JSON.stringify(streamEndpointPolicy({ streamArn }))),
    },
    parent,
  );
  return { s3, dynamodb, stream, streamSecurityGroup };
}
