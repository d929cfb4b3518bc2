/**
 * A Fargate service of the pipeline: its roles, log group, task definition, ECS service
 * and CPU target tracking. Ingest and processing are each one of these plus what is theirs
 * (a load balancer, a lease table); the owner grants its task role what the code uses.
 *
 * The ECS service is an `aws.ecs.Service` rather than an awsx FargateService so that
 * `pulumi up` can ignore the desired count that autoscaling manages (an awsx component
 * would pass no ignoreChanges to the service inside it) and so that tests see every input.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServicesConfig } from "./config";
import { fargateSizeProblem, STOP_TIMEOUT_SECONDS } from "./fargate";
import { grant } from "./grants";
import { ServiceImage } from "./service-image";
import { serviceRole } from "./service-role";

/** Target tracking keeps average CPU here, as in the reference architecture. */
export const CPU_TARGET_PERCENT = 65;

/** What the awslogs driver calls, on the log group's streams. */
export const LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

export interface PipelineServiceArgs {
  cluster: aws.ecs.Cluster;
  image: ServiceImage;
  /** The container's command (see runtime/services.ts). */
  command: string[];
  environment: Record<string, pulumi.Input<string>>;
  cpu: number;
  memory: number;
  minTasks: number;
  maxTasks: number;
  subnetIds: pulumi.Input<string[]>;
  securityGroupIds: pulumi.Input<string>[];
  /** The port the container listens on and the target group that sends traffic to it. */
  loadBalancer?: { targetGroupArn: pulumi.Input<string>; containerPort: number; dependsOn: pulumi.Resource[] };
  /** Command of the container health check (ECS ignores the image's HEALTHCHECK). */
  healthCheck?: string[];
  services: ServicesConfig;
  tags: Record<string, string>;
}

export class PipelineService extends pulumi.ComponentResource {
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly service: aws.ecs.Service;

  constructor(name: string, args: PipelineServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:service:PipelineService", name, {}, opts);
    const sizeProblem = fargateSizeProblem(args.cpu, args.memory);
    if (sizeProblem) throw new Error(`${name}: ${sizeProblem}`);
    if (args.minTasks > args.maxTasks)
      throw new Error(`${name}: maxTasks ${args.maxTasks} is below minTasks ${args.minTasks}`);
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    this.taskRole = serviceRole(`${name}-task`, "ecs-tasks.amazonaws.com", args.tags, this);
    this.executionRole = serviceRole(`${name}-execution`, "ecs-tasks.amazonaws.com", args.tags, this);

    this.logGroup = new aws.cloudwatch.LogGroup(
      name,
      { retentionInDays: args.services.logRetentionDays, tags: args.tags },
      parent,
    );
    grant(
      `${name}-logs`,
      this.executionRole,
      [{ sid: "ContainerLogs", actions: LOG_WRITE_ACTIONS, resources: [pulumi.interpolate`${this.logGroup.arn}:*`] }],
      this,
    );
    args.image.grantPull(this.executionRole, name);

    const container = {
      name,
      image: args.image.imageUri,
      essential: true,
      command: args.command,
      environment: Object.entries(args.environment).map(([k, v]) => ({ name: k, value: v })),
      portMappings: args.loadBalancer ? [{ containerPort: args.loadBalancer.containerPort, protocol: "tcp" }] : [],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": this.logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": name },
      },
      ...(args.healthCheck
        ? {
            healthCheck: {
              command: ["CMD", ...args.healthCheck],
              interval: 15,
              timeout: 5,
              retries: 3,
              startPeriod: 15,
            },
          }
        : {}),
      // SIGTERM, then this long to drain before SIGKILL.
      stopTimeout: STOP_TIMEOUT_SECONDS,
      readonlyRootFilesystem: true,
      // An init process reaps zombies and forwards SIGTERM to node.
      linuxParameters: { initProcessEnabled: true },
    };
    this.taskDefinition = new aws.ecs.TaskDefinition(
      name,
      {
        family: name,
        cpu: String(args.cpu),
        memory: String(args.memory),
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        taskRoleArn: this.taskRole.arn,
        executionRoleArn: this.executionRole.arn,
        containerDefinitions: pulumi.jsonStringify([container]),
        tags: args.tags,
      },
      parent,
    );

    this.service = new aws.ecs.Service(
      name,
      {
        cluster: args.cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        launchType: "FARGATE",
        desiredCount: args.minTasks,
        networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
        loadBalancers: args.loadBalancer
          ? [
              {
                targetGroupArn: args.loadBalancer.targetGroupArn,
                containerName: name,
                containerPort: args.loadBalancer.containerPort,
              },
            ]
          : [],
        healthCheckGracePeriodSeconds: args.loadBalancer ? 30 : undefined,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        tags: args.tags,
      },
      // Autoscaling owns the task count after creation.
      { parent: this, ignoreChanges: ["desiredCount"], dependsOn: args.loadBalancer?.dependsOn },
    );

    const target = new aws.appautoscaling.Target(
      name,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${args.cluster.name}/${this.service.name}`,
        minCapacity: args.minTasks,
        maxCapacity: args.maxTasks,
      },
      parent,
    );
    new aws.appautoscaling.Policy(
      `${name}-cpu`,
      {
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          targetValue: CPU_TARGET_PERCENT,
          scaleOutCooldown: args.services.scaleOutCooldownSeconds,
          scaleInCooldown: args.services.scaleInCooldownSeconds,
        },
      },
      parent,
    );
    this.registerOutputs({ serviceName: this.service.name });
  }
}
