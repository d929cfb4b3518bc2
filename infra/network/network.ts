/**
 * The network every service runs in: a VPC over two availability zones, public subnets for
 * load balancers and NAT, private subnets for tasks (no public IPs), NAT gateways to
 * reach AWS APIs from them, and (unless turned off) flow logs of all its traffic.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "./network-config";
import { vpcFlowLog } from "./flow-log";

export const AVAILABILITY_ZONES = 2;

export type NetworkArgs = NetworkConfig;

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
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
  }
}
