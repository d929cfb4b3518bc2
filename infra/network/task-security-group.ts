/**
 * The security group of a service's Fargate tasks in the private subnets: out, HTTPS to
 * the AWS APIs they call (through the VPC's endpoints or the NAT gateways, hence any
 * address) and nothing else; in, nothing until the owner adds it (ingest lets its load
 * balancer in). The network's interface endpoints admit the group. The taxi replay's group
 * is its own: it also goes out on HTTP, to an ingest API without a certificate, and calls
 * no API that an interface endpoint serves.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HTTPS } from "./vpc-endpoints";

/** What a task group needs of the network: its VPC, and admission to its interface endpoints. */
export interface TaskNetwork {
  vpcId: pulumi.Input<string>;
  admitToEndpoints(name: string, groupId: pulumi.Input<string>, owner: pulumi.Resource): void;
}

export interface TaskSecurityGroupArgs {
  network: TaskNetwork;
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
    { vpcId: args.network.vpcId, description: args.description },
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
  args.network.admitToEndpoints(name, group.id, owner);
  return group;
}
