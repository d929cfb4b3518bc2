/**
 * A Fargate task of the pipeline's image: its two roles (the task's own, with no
 * permission until its owner grants what the code uses, and the execution role that pulls
 * the image and writes logs), its log group, and the task definition. A PipelineService
 * runs one as a service; the taxi replay runs one as a one-off task.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { healthCheckCommand, serviceCommand } from "../../runtime/common/contract-entry";
import { STOP_TIMEOUT_SECONDS } from "./fargate";
import { grant, UsedBy } from "./grants";
import { PartEnvironment } from "./part-environment";
import { ServiceImage } from "./service-image";
import { serviceRole } from "./service-role";

/** What the awslogs driver (and a Lambda) calls, on the log group's streams. */
export const LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/** The ECS agent ships a container's output with the task's execution role. */
const CONTAINER_LOGS_USED_BY =
  "the ECS agent's awslogs driver, with the execution role: " +
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html";

/**
 * A log group, which `writer` may write to; `usedBy` says who writes with it. It keeps logs
 * as long as the stack's logRetentionDays (infra/common/stack-defaults.ts).
 */
export function writableLogGroup(
  name: string,
  writer: aws.iam.Role,
  args: { sid: string; usedBy: UsedBy },
  owner: pulumi.Resource,
): aws.cloudwatch.LogGroup {
  const logGroup = new aws.cloudwatch.LogGroup(name, {}, { parent: owner });
  grant(
    `${name}-logs`,
    writer,
    [
      {
        sid: args.sid,
        actions: LOG_WRITE_ACTIONS,
        resources: [pulumi.interpolate`${logGroup.arn}:*`],
        usedBy: args.usedBy,
      },
    ],
    owner,
  );
  return logGroup;
}

export interface FargateTaskArgs {
  image: ServiceImage;
  /**
   * The part the container runs and its environment (partEnvironment): its command is the
   * contract's entry point, and its health check the contract's (ECS ignores the image's
   * HEALTHCHECK).
   */
  environment: PartEnvironment;
  /** Arguments after the entry point's script (the replay's options). */
  commandArgs?: pulumi.Input<string>[];
  /** Node's own options, before the script (the lake's heap limit). */
  nodeOptions?: string[];
  cpu: number;
  memory: number;
  /** The port the container listens on, when something sends it traffic. */
  containerPort?: number;
  /**
   * Variables of the part's contract whose value is a Secrets Manager secret's (variable to
   * secret ARN): the ECS agent reads it at start with the execution role and sets the
   * variable; it never appears in the task definition.
   */
  secrets?: Record<string, pulumi.Input<string>>;
}

/**
 * What the ECS agent calls to inject a Secrets Manager secret as a variable (the secret in
 * the account's default key needs no kms:Decrypt grant):
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
 */
export const SECRET_READ_ACTIONS = ["secretsmanager:GetSecretValue"] as const;
const SECRETS_USED_BY =
  "the ECS agent, which injects secrets as variables with the execution role: " +
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html";

export interface FargateTask {
  taskRole: aws.iam.Role;
  executionRole: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
  taskDefinition: aws.ecs.TaskDefinition;
}

export function fargateTask(name: string, args: FargateTaskArgs, owner: pulumi.Resource): FargateTask {
  const parent = { parent: owner };
  const region = aws.getRegionOutput({}, parent).region;
  const taskRole = serviceRole(`${name}-task`, "ecs-tasks.amazonaws.com", owner);
  const executionRole = serviceRole(`${name}-execution`, "ecs-tasks.amazonaws.com", owner);
  const logGroup = writableLogGroup(
    name,
    executionRole,
    { sid: "ContainerLogs", usedBy: CONTAINER_LOGS_USED_BY },
    owner,
  );
  args.image.grantPull(executionRole, name);

  const contract = args.environment.contract;
  const secrets = Object.entries(args.secrets ?? {});
  for (const [variable] of secrets) {
    if (contract.variables[variable] === undefined)
      throw new Error(`${variable} is not a variable ${contract.part} reads`);
  }
  if (secrets.length > 0) {
    grant(
      `${name}-secrets`,
      executionRole,
      [
        {
          sid: "Secrets",
          actions: SECRET_READ_ACTIONS,
          resources: secrets.map(([, arn]) => arn),
          usedBy: SECRETS_USED_BY,
        },
      ],
      owner,
    );
  }
  const healthCheck =
    contract.entry.kind === "command" && contract.entry.healthCheck ? healthCheckCommand(contract) : undefined;
  const container = {
    name,
    image: args.image.imageUri,
    essential: true,
    command: [...serviceCommand(contract, args.nodeOptions), ...(args.commandArgs ?? [])],
    environment: Object.entries(args.environment.variables).map(([k, v]) => ({ name: k, value: v })),
    ...(secrets.length > 0 ? { secrets: secrets.map(([name, valueFrom]) => ({ name, valueFrom })) } : {}),
    portMappings: args.containerPort ? [{ containerPort: args.containerPort, protocol: "tcp" }] : [],
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": name },
    },
    ...(healthCheck
      ? {
          healthCheck: {
            command: ["CMD", ...healthCheck],
            interval: 15,
            timeout: 5,
            retries: 3,
            startPeriod: 15,
          },
        }
      : {}),
    stopTimeout: STOP_TIMEOUT_SECONDS,
    readonlyRootFilesystem: true,
    linuxParameters: { initProcessEnabled: true },
  };
  const taskDefinition = new aws.ecs.TaskDefinition(
    name,
    {
      family: name,
      cpu: String(args.cpu),
      memory: String(args.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      containerDefinitions: pulumi.jsonStringify([container]),
    },
    parent,
  );
  return { taskRole, executionRole, logGroup, taskDefinition };
}
