/** The mocks harness itself: outputs of remote awsx components, parents, options. */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { run } from "../../harness/pulumi";

describe("Pulumi mocks harness", () => {
  it("answers the awsx VPC outputs the program reads (its children never run under mocks)", async () => {
    const { recorded, outputs } = await run(() => {
      const vpc = new awsx.ec2.Vpc("net", { numberOfAvailabilityZones: 2 });
      return { privateSubnetIds: vpc.privateSubnetIds, vpcId: vpc.vpcId };
    });
    expect(recorded.one("awsx:ec2:Vpc").inputs).to.include({ numberOfAvailabilityZones: 2 });
    expect(outputs.vpcId).to.match(/^vpc-[0-9a-f]{17}$/);
    expect(outputs.privateSubnetIds).to.have.lengthOf(2);
  });

  it("answers the load balancer's DNS name and target group", async () => {
    const { outputs } = await run(() => {
      const alb = new awsx.lb.ApplicationLoadBalancer("ingest", {});
      return { dns: alb.loadBalancer.dnsName, tg: alb.defaultTargetGroup.arn };
    });
    expect(outputs.dns).to.match(/^ingest-[0-9a-f]{8}\.us-east-1\.elb\.amazonaws\.com$/);
    expect(outputs.tg).to.contain(":targetgroup/ingest/");
  });

  it("records each resource's parent and its ignoreChanges option", async () => {
    const { recorded } = await run(() => {
      const parent = new pulumi.ComponentResource("test:x:Parent", "p");
      new aws.sqs.Queue("q", {}, { parent, ignoreChanges: ["tags"] });
      return {};
    });
    const queue = recorded.one("aws:sqs/queue:Queue");
    expect(queue).to.include({ parent: "p", parentType: "test:x:Parent" });
    expect(queue.ignoreChanges).to.deep.equal(["tags"]);
  });
});
