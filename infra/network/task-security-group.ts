/**
 * The security group of a service's Fargate tasks in the private subnets: out, HTTPS to
 * the AWS APIs they call (through the NAT gateways, hence any address) and nothing else;
 * in, nothing until the owner adds it (ingest lets its load balancer in). The taxi replay's
 * group is its own: it also goes out on HTTP, to an ingest API without a certificate.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const HTTPS = 443;

export interface TaskSecurityGroupArgs {
  vpcId: pulumi.Input<string>;
  /** The group's own description (EC2 replaces a group whose description changes). */
  description: string;
  /** The AWS APIs the tasks call, for the egress rule's description. */
  apis: string;
}

export function taskSecurityGroup(
  name: string,
  args: TaskSecurityGroupArgs,
  owner: pulumi.Resource,
): aws.ec2.SecurityGroup {
  const group = new aws.ec2.SecurityGroup(
    name,
    { vpcId: args.vpcId, description: args.description },
    { parent: owner },
  );
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-to-aws`,
    {
      securityGroupId: group.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: HTTPS,
      toPort: HTTPS,
      description: `${args.apis} APIs over HTTPS`,
    },
    { parent: owner },
  );
  return group;
}
