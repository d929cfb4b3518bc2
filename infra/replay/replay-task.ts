/**
 * The taxi replay on AWS: a one-off Fargate task of the pipeline's image that sends the
 * shipped 2009 sample, in a loop, to the ingest API, as `npm start` does locally
 * (runtime/replay/). The stack creates its task definition and network; a user starts it
 * with the command in the `replayCommand` output and stops it with `aws ecs stop-task`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withAlias } from "../common/aliases";
import { LOCAL_REPLAY_FILE, REPLAY, replayArguments, SUGGESTED_REPLAY_SPEEDUP } from "../../runtime/replay/contract";
import { fargateTask } from "../common/fargate-task";
import { partEnvironment } from "../common/part-environment";
import { Network } from "../network/network";
import { ServiceImage } from "../common/service-image";

/** The smallest Fargate size: the replay sends a few dozen trips a second. */
const REPLAY_CPU = 256;
const REPLAY_MEMORY = 512;

export interface ReplayTaskArgs {
  network: Network;
  cluster: aws.ecs.Cluster;
  image: ServiceImage;
  ingestUrl: pulumi.Input<string>;
  /** Whether ingest is HTTPS only: then the replay needs no way out on port 80. */
  ingestHttps: boolean;
  /** Whether ingest wants a tenant's key: then the replay sends its tenant's, from a secret. */
  ingestAuth: boolean;
}

export class ReplayTask extends pulumi.ComponentResource {
  readonly taskDefinition: aws.ecs.TaskDefinition;
  /** `aws ecs run-task ...` that starts one replay in the stack's private subnets. */
  readonly runCommand: pulumi.Output<string>;
  /**
   * With tenants: the secret the replay reads its tenant's API key from (INGEST_API_KEY). The
   * stack creates it empty: put the key of `npm run tenants -- create taxi-replay` in it
   * (docs/tenants.md) before starting the replay.
   */
  readonly apiKeySecret?: aws.secretsmanager.Secret;

  constructor(name: string, args: ReplayTaskArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:replay:ReplayTask", name, {}, withAlias(opts, "kinesis-pipeline:analytics:ReplayTask"));
    const parent = { parent: this };
    // Nothing in; out only to the ingest API's load balancer (HTTP or HTTPS, through NAT)
    // and to ECR and CloudWatch Logs, which the task's start needs.
    const tasks = new aws.ec2.SecurityGroup(
      `${name}-tasks`,
      {
        vpcId: args.network.vpcId,
        description: "taxi replay: nothing in, the ingest API and AWS APIs out",
      },
      parent,
    );
    const ports = args.ingestHttps
      ? ([["https", 443]] as const)
      : ([
          ["https", 443],
          ["http", 80],
        ] as const);
    for (const [rule, port] of ports) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-tasks-${rule}`,
        {
          securityGroupId: tasks.id,
          cidrIpv4: "0.0.0.0/0",
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: `the ingest API (${rule})${port === 443 ? ", ECR and CloudWatch Logs" : ""}`,
        },
        parent,
      );
    }
    this.apiKeySecret = args.ingestAuth
      ? new aws.secretsmanager.Secret(
          `${name}-api-key`,
          { description: "the taxi replay tenant's ingest API key (npm run tenants -- create taxi-replay)" },
          parent,
        )
      : undefined;
    ({ taskDefinition: this.taskDefinition } = fargateTask(
      name,
      {
        image: args.image,
        // It posts to ingest and calls no AWS API: nothing of its environment to set.
        environment: partEnvironment(REPLAY, {}),
        commandArgs: replayArguments({
          file: LOCAL_REPLAY_FILE,
          speedup: SUGGESTED_REPLAY_SPEEDUP,
          loop: true,
          target: args.ingestUrl,
        }),
        cpu: REPLAY_CPU,
        memory: REPLAY_MEMORY,
        secrets: this.apiKeySecret ? { INGEST_API_KEY: this.apiKeySecret.arn } : undefined,
      },
      this,
    ));
    const subnets = pulumi.output(args.network.privateSubnetIds).apply((ids) => ids.join(","));
    this.runCommand = pulumi.interpolate`aws ecs run-task --cluster ${args.cluster.name} --launch-type FARGATE --task-definition ${this.taskDefinition.family} --network-configuration "awsvpcConfiguration={subnets=[${subnets}],securityGroups=[${tasks.id}],assignPublicIp=DISABLED}"`;
    this.registerOutputs({
      taskDefinition: this.taskDefinition.family,
      runCommand: this.runCommand,
      apiKeySecret: this.apiKeySecret?.arn,
    });
  }
}
