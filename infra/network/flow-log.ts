/**
 * The VPC's flow logs: every accepted and rejected connection of every network interface,
 * published to a CloudWatch Logs group kept as long as the services' logs, by a role only
 * the flow logs service of this account may assume, for this account's flow logs
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { grant } from "../common/grants";
import { serviceRole } from "../common/service-role";

/**
 * What the flow logs service calls with its role, as the page above lists it ("must include
 * at least"): on the flow log's group and its streams ...
 */
export const FLOW_LOG_GROUP_ACTIONS = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogStreams",
] as const;
/** ... and DescribeLogGroups, which lists groups rather than naming one. */
export const FLOW_LOG_LIST_ACTIONS = ["logs:DescribeLogGroups"] as const;
/** No code of ours runs under the role: the service's calls are the grants' reason (tests/iam/). */
const FLOW_LOGS_USED_BY =
  "the VPC flow logs service, publishing to CloudWatch Logs with the flow log's role: " +
  "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html";

export interface VpcFlowLogArgs {
  vpcId: pulumi.Input<string>;
}

export interface VpcFlowLog {
  flowLog: aws.ec2.FlowLog;
  logGroup: aws.cloudwatch.LogGroup;
  role: aws.iam.Role;
}

export function vpcFlowLog(name: string, args: VpcFlowLogArgs, owner: pulumi.Resource): VpcFlowLog {
  const parent = { parent: owner };
  const region = aws.getRegionOutput({}, parent).region;
  const account = aws.getCallerIdentityOutput({}, parent).accountId;
  const logGroup = new aws.cloudwatch.LogGroup(name, {}, parent);
  // The flow log's own ARN is not known before the role exists (the flow log names the
  // role), so the trust names this account's flow logs, as the page above suggests.
  const role = serviceRole(
    name,
    "vpc-flow-logs.amazonaws.com",
    owner,
    pulumi.interpolate`arn:aws:ec2:${region}:${account}:vpc-flow-log/*`,
  );
  const policy = grant(
    name,
    role,
    [
      {
        sid: "FlowLogGroup",
        actions: FLOW_LOG_GROUP_ACTIONS,
        resources: [pulumi.interpolate`${logGroup.arn}:*`],
        usedBy: FLOW_LOGS_USED_BY,
      },
      {
        sid: "ListLogGroups",
        actions: FLOW_LOG_LIST_ACTIONS,
        resources: [pulumi.interpolate`arn:aws:logs:${region}:${account}:log-group:*`],
        usedBy: FLOW_LOGS_USED_BY,
      },
    ],
    owner,
  );
  const flowLog = new aws.ec2.FlowLog(
    name,
    {
      vpcId: args.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
    },
    // Delivery starts at once: the role must already hold its permissions.
    { parent: owner, dependsOn: [policy] },
  );
  return { flowLog, logGroup, role };
}
