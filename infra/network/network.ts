/**
 * The network every service runs in: a VPC over two availability zones, public subnets for
 * load balancers and NAT, private subnets for tasks (no public IPs), NAT gateways to
 * reach AWS APIs from them, endpoints that keep the bulk of the tasks' traffic (the
 * stream, S3, DynamoDB) off NAT (vpc-endpoints.ts), and (unless turned off) flow logs of
 * all its traffic.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "./network-config";
import { AVAILABILITY_ZONES } from "./zones";
import { vpcFlowLog } from "./flow-log";
import { HTTPS, VpcEndpoints, vpcEndpoints } from "./vpc-endpoints";

export { AVAILABILITY_ZONES };

export interface NetworkArgs extends NetworkConfig {
  /** The pipeline's stream: the one its Kinesis endpoint admits. */
  streamArn: pulumi.Input<string>;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /**
   * The public addresses the tasks' traffic to the internet leaves from (one per NAT
   * gateway): the stack allocates them itself so that a restricted ingest load balancer
   * can admit its own tasks (the taxi replay) by address, in the plan, before deploy.
   */
  readonly natPublicIps: pulumi.Output<string>[];
  readonly endpoints: VpcEndpoints;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:network:Network", name, {}, opts);
    const natAddresses = Array.from(
      { length: args.natGateways },
      (_, i) => new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc" }, { parent: this }),
    );
    this.natPublicIps = natAddresses.map((eip) => eip.publicIp);
    const vpc = new awsx.ec2.Vpc(
      name,
      {
        numberOfAvailabilityZones: AVAILABILITY_ZONES,
        // One NAT gateway is the cheap default for dev; one per zone keeps tasks online
        // when a zone fails.
        natGateways: {
          strategy: args.natGateways === AVAILABILITY_ZONES ? "OnePerAz" : "Single",
          elasticIpAllocationIds: natAddresses.map((eip) => eip.allocationId),
        },
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", cidrMask: 24 },
          { type: "Private", cidrMask: 19 },
        ],
        enableDnsHostnames: true,
      },
      { parent: this },
    );
    if (args.flowLogs) {
      vpcFlowLog(`${name}-flow-log`, { vpcId: vpc.vpcId }, this);
    }
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.endpoints = vpcEndpoints(
      `${name}-endpoint`,
      {
        vpcId: vpc.vpcId,
        privateSubnetIds: vpc.privateSubnetIds,
        streamArn: args.streamArn,
        streamEndpoint: args.streamVpcEndpoint,
      },
      this,
    );
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
  }

  /**
   * Lets a task security group reach the interface endpoints (HTTPS): with private DNS on,
   * every Kinesis call in the VPC goes to the endpoint, so each group whose tasks call
   * Kinesis must be admitted. `name` is the group's resource name; `owner` the group's owner.
   */
  admitToEndpoints(name: string, groupId: pulumi.Input<string>, owner: pulumi.Resource): void {
    const endpoint = this.endpoints.streamSecurityGroup;
    if (!endpoint) return;
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-to-kinesis-endpoint`,
      {
        securityGroupId: endpoint.id,
        referencedSecurityGroupId: groupId,
        ipProtocol: "tcp",
        fromPort: HTTPS,
        toPort: HTTPS,
        description: `Kinesis over HTTPS from ${name}`,
      },
      { parent: owner },
    );
  }
}
