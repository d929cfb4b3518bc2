import { expect } from "chai";
import { createHash } from "node:crypto";
import { validateConfig } from "../../../infra/config/config";
import { MOCK_ACCOUNT, PlannedResource } from "../../../infra/plan/mocks";
import {
  dynamodbEndpointPolicy,
  s3EndpointPolicy,
  streamEndpointPolicy,
  vpcActions,
} from "../../../infra/network/endpoint-policies";
import { LAKE } from "../../../runtime/lake/contract";
import { Recorded, runPipeline, statementsOf, TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";

const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

const policyOf = (endpoint: PlannedResource) => JSON.parse(endpoint.inputs.policy as string);

/** The statements of the inline policies of every ECS task's role: what the tasks in the VPC may call. */
function taskRoleStatements(recorded: Recorded) {
  const roleArns = new Set(recorded.all("aws:ecs/taskDefinition:TaskDefinition").map((d) => d.inputs.taskRoleArn));
  const roleNames = new Set(
    recorded
      .all("aws:iam/role:Role")
      .filter((r) => roleArns.has(r.state.arn))
      .map((r) => r.state.name),
  );
  return recorded
    .all("aws:iam/rolePolicy:RolePolicy")
    .filter((p) => roleNames.has(p.inputs.role))
    .flatMap(statementsOf);
}

describe("VPC endpoints", function () {
  this.timeout(60_000);

  describe("by default", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline({});
    });

    /** The route table the mocks' lookup (aws.ec2.getRouteTable) answers for a subnet. */
    const routeTableOf = (subnet: string) =>
      `rtb-${createHash("sha256").update(`route-table/${subnet}`).digest("hex").slice(0, 17)}`;

    it("an S3 and a DynamoDB gateway endpoint, on the private subnets' route tables only", () => {
      const vpc = run.recorded.one("awsx:ec2:Vpc");
      for (const service of ["s3", "dynamodb"]) {
        const endpoint = run.recorded.one(ENDPOINT, `network-endpoint-${service}`);
        expect(endpoint.inputs).to.deep.include({
          vpcId: vpc.state.vpcId,
          serviceName: `com.amazonaws.us-east-1.${service}`,
          vpcEndpointType: "Gateway",
        });
        expect(endpoint.parentType).to.equal("kinesis-pipeline:network:Network");
        expect(endpoint.inputs.routeTableIds).to.deep.equal((vpc.state.privateSubnetIds as string[]).map(routeTableOf));
        for (const subnet of vpc.state.publicSubnetIds as string[]) {
          expect(endpoint.inputs.routeTableIds).to.not.include(routeTableOf(subnet));
        }
      }
    });

    it("the S3 policy admits the parts' S3 actions (and ListBucket, for 404s) on this account's buckets, and ECR's image layers", () => {
      const policy = policyOf(run.recorded.one(ENDPOINT, "network-endpoint-s3"));
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "PipelineBuckets",
          Effect: "Allow",
          Principal: "*",
          Action: ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
          Resource: ["arn:aws:s3:::*"],
          Condition: { StringEquals: { "aws:ResourceAccount": MOCK_ACCOUNT } },
        },
        {
          Sid: "EcrImageLayers",
          Effect: "Allow",
          Principal: "*",
          Action: ["s3:GetObject"],
          Resource: ["arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"],
        },
      ]);
    });

    it("the DynamoDB policy admits the parts' DynamoDB actions on this account's tables in the region", () => {
      const policy = policyOf(run.recorded.one(ENDPOINT, "network-endpoint-dynamodb"));
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "PipelineTables",
          Effect: "Allow",
          Principal: "*",
          Action: [
            "dynamodb:CreateTable",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Scan",
            "dynamodb:UpdateItem",
          ],
          Resource: [`arn:aws:dynamodb:us-east-1:${MOCK_ACCOUNT}:table/*`],
        },
      ]);
    });

    it("a Kinesis interface endpoint: private DNS on, in the private subnets, its own group, the pipeline's stream only", () => {
      const vpc = run.recorded.one("awsx:ec2:Vpc");
      const endpoint = run.recorded.one(ENDPOINT, "network-endpoint-kinesis");
      const group = run.recorded.one(GROUP, "network-endpoint-kinesis");
      const stream = run.recorded.one("aws:kinesis/stream:Stream", "stream");
      expect(endpoint.inputs).to.deep.include({
        vpcId: vpc.state.vpcId,
        serviceName: "com.amazonaws.us-east-1.kinesis-streams",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: vpc.state.privateSubnetIds,
        securityGroupIds: [group.state.id],
      });
      expect(policyOf(endpoint).Statement).to.deep.equal([
        {
          Sid: "PipelineStream",
          Effect: "Allow",
          Principal: "*",
          Action: [
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
            "kinesis:PutRecords",
            "kinesis:SubscribeToShard",
          ],
          Resource: [stream.state.arn, `${stream.state.arn}/consumer/*`],
        },
      ]);
    });

    it("the Kinesis endpoint's group admits HTTPS from the ingest, processing and lake task groups only, and sends nothing", () => {
      const group = run.recorded.one(GROUP, "network-endpoint-kinesis");
      const rules = run.recorded.all(INGRESS).filter((r) => r.inputs.securityGroupId === group.state.id);
      const taskGroups = ["ingest-tasks", "processing-tasks", "lake-tasks"].map(
        (name) => run.recorded.one(GROUP, name).state.id,
      );
      expect(rules.map((r) => r.inputs.referencedSecurityGroupId)).to.have.members(taskGroups);
      for (const rule of rules) {
        expect(rule.inputs).to.deep.include({ ipProtocol: "tcp", fromPort: 443, toPort: 443 });
        expect(rule.inputs.cidrIpv4).to.equal(undefined);
      }
      expect(run.recorded.all(EGRESS).filter((r) => r.inputs.securityGroupId === group.state.id)).to.deep.equal([]);
      expect(group.inputs.egress).to.equal(undefined);
    });

    it("every service that calls Kinesis from the VPC has its task group admitted to the endpoint", () => {
      const group = run.recorded.one(GROUP, "network-endpoint-kinesis");
      const admitted = new Set(
        run.recorded
          .all(INGRESS)
          .filter((r) => r.inputs.securityGroupId === group.state.id)
          .map((r) => r.inputs.referencedSecurityGroupId),
      );
      const services = run.recorded.all("aws:ecs/service:Service");
      expect(services.length).to.be.greaterThan(2);
      for (const service of services) {
        const groups = (service.inputs.networkConfiguration as { securityGroups: string[] }).securityGroups;
        expect(
          groups.some((g) => admitted.has(g)),
          service.name,
        ).to.equal(true);
      }
    });

    it("every S3, DynamoDB and Kinesis action a task role is granted passes its endpoint's policy", () => {
      const stream = run.recorded.one("aws:kinesis/stream:Stream", "stream");
      const allowed = (service: string) =>
        policyOf(run.recorded.one(ENDPOINT, `network-endpoint-${service}`)).Statement[0].Action as string[];
      const statements = taskRoleStatements(run.recorded);
      const granted = (service: string) => statements.filter((s) => s.Action.some((a) => a.startsWith(`${service}:`)));
      expect(granted("kinesis")).to.not.deep.equal([]);
      expect(granted("s3")).to.not.deep.equal([]);
      expect(granted("dynamodb")).to.not.deep.equal([]);
      for (const service of ["s3", "dynamodb", "kinesis"]) {
        for (const s of granted(service)) expect(allowed(service), s.Sid).to.include.members(s.Action);
      }
      for (const s of granted("kinesis")) {
        for (const r of s.Resource) expect(r.startsWith(stream.state.arn as string), r).to.equal(true);
      }
      for (const s of granted("dynamodb")) {
        for (const r of s.Resource)
          expect(r).to.match(new RegExp(`^arn:aws:dynamodb:us-east-1:${MOCK_ACCOUNT}:table/`));
      }
    });
  });

  it("streamVpcEndpoint false: no Kinesis endpoint, no group or rules for it; the gateway endpoints stay", async () => {
    const { recorded } = await runPipeline({ streamVpcEndpoint: "false" });
    expect(recorded.all(ENDPOINT).map((e) => e.name)).to.have.members([
      "network-endpoint-s3",
      "network-endpoint-dynamodb",
    ]);
    expect(recorded.resources.filter((r) => r.name.includes("kinesis-endpoint"))).to.deep.equal([]);
    expect(recorded.all(GROUP).filter((g) => g.name === "network-endpoint-kinesis")).to.deep.equal([]);
  });

  it("streamVpcEndpoint takes true or false only, naming the key, what is allowed and the value meant", () => {
    const result = validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, streamVpcEndpoint: "no" });
    expect(result.ok ? [] : result.problems).to.deep.equal([
      "streamVpcEndpoint must be true or false (for no, write false), got no",
    ]);
  });

  describe("the policies, from the contracts", () => {
    it("take each action of a service once, from every part in the VPC, in any configuration", () => {
      expect(vpcActions("kinesis")).to.deep.equal([
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
        "kinesis:PutRecords",
        "kinesis:SubscribeToShard",
      ]);
      expect(vpcActions("s3", [LAKE])).to.deep.equal(["s3:GetObject", "s3:PutObject"]);
      expect(vpcActions("sqs")).to.deep.equal([]);
    });

    it("name the region's ECR layer bucket, the account and the stream given", () => {
      expect(s3EndpointPolicy({ region: "eu-west-1", account: "111122223333" }).Statement).to.deep.include({
        Sid: "EcrImageLayers",
        Effect: "Allow",
        Principal: "*",
        Action: ["s3:GetObject"],
        Resource: ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"],
      });
      expect(
        dynamodbEndpointPolicy({ region: "eu-west-1", account: "111122223333" }).Statement[0].Resource,
      ).to.deep.equal(["arn:aws:dynamodb:eu-west-1:111122223333:table/*"]);
      expect(
        streamEndpointPolicy({ streamArn: "arn:aws:kinesis:eu-west-1:111122223333:stream/s" }).Statement[0].Resource,
      ).to.deep.equal([
        "arn:aws:kinesis:eu-west-1:111122223333:stream/s",
        "arn:aws:kinesis:eu-west-1:111122223333:stream/s/consumer/*",
      ]);
    });
  });
});
