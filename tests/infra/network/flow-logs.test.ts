import { expect } from "chai";
import { validateConfig } from "../../../infra/config/config";
import { MOCK_ACCOUNT } from "../../../infra/plan/mocks";
import { roleStatements, runPipeline, TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";

const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

describe("VPC flow logs", () => {
  describe("by default", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => {
      run = await runPipeline({ logRetentionDays: "90" });
    });

    it("log all of the VPC's traffic to a CloudWatch Logs group kept logRetentionDays", () => {
      const flowLog = run.recorded.one(FLOW_LOG);
      const vpc = run.recorded.one("awsx:ec2:Vpc");
      const group = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-log");
      const role = run.recorded.one("aws:iam/role:Role", "network-flow-log");
      expect(flowLog.inputs).to.include({
        vpcId: vpc.state.vpcId,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: group.state.arn,
        iamRoleArn: role.state.arn,
      });
      expect(group.inputs.retentionInDays).to.equal(90);
      expect(flowLog.parentType).to.equal("kinesis-pipeline:network:Network");
    });

    it("the role is trusted by the flow logs service only for this account's flow logs (confused-deputy guard)", () => {
      const role = run.recorded.one("aws:iam/role:Role", "network-flow-log");
      expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement).to.deep.equal([
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT },
            ArnLike: { "aws:SourceArn": `arn:aws:ec2:us-east-1:${MOCK_ACCOUNT}:vpc-flow-log/*` },
          },
        },
      ]);
    });

    it("the role holds exactly the actions the flow logs service documents, on its own log group", () => {
      const group = run.recorded.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-log");
      expect(roleStatements(run.recorded, "network-flow-log")).to.deep.equal([
        {
          Sid: "FlowLogGroup",
          Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [`${group.state.arn}:*`],
        },
        {
          Sid: "ListLogGroups",
          Action: ["logs:DescribeLogGroups"],
          Resource: [`arn:aws:logs:us-east-1:${MOCK_ACCOUNT}:log-group:*`],
        },
      ]);
    });

    it("the flow log starts after its role holds its permissions", () => {
      const flowLog = run.recorded.one(FLOW_LOG);
      const policy = run.recorded.one("aws:iam/rolePolicy:RolePolicy", "network-flow-log");
      expect(flowLog.dependsOn).to.include(policy.urn);
    });
  });

  it("flowLogs false: no flow log, no role, no log group for it", async () => {
    const { recorded } = await runPipeline({ flowLogs: "false" });
    expect(recorded.all(FLOW_LOG)).to.deep.equal([]);
    expect(recorded.resources.filter((r) => r.name.startsWith("network-flow-log"))).to.deep.equal([]);
  });

  it("flowLogs takes true or false only, naming the key, what is allowed and the value meant", () => {
    const result = validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, flowLogs: "off" });
    expect(result.ok ? [] : result.problems).to.deep.equal([
      "flowLogs must be true or false (for off, write false), got off",
    ]);
  });
});
