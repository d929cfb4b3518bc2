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
import { ServicesConfig } from "./services-config";
import { pipelineServiceProblems } from "./pipeline-service-rules";
import { FargateTaskArgs, fargateTask } from "./fargate-task";

/** Target tracking keeps average CPU here, as in the reference architecture. */
export const CPU_TARGET_PERCENT = 65;

export interface PipelineServiceArgs extends Omit<FargateTaskArgs, "containerPort"> {
  cluster: aws.ecs.Cluster;
  minTasks: number;
  maxTasks: number;
  subnetIds: pulumi.Input<string[]>;
  securityGroupIds: pulumi.Input<string>[];
  /** The port the container listens on and the target group that sends traffic to it. */
  loadBalancer?: { targetGroupArn: pulumi.Input<string>; containerPort: number; dependsOn: pulumi.Resource[] };
  services: ServicesConfig;
}

export class PipelineService extends pulumi.ComponentResource {
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly service: aws.ecs.Service;

  constructor(name: string, args: PipelineServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:service:PipelineService", name, {}, opts);
    const problems = pipelineServiceProblems(name, args);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    const parent = { parent: this };
    // The task itself: roles, logs, definition (fargate-task.ts); the service runs it.
    ({
      taskRole: this.taskRole,
      executionRole: this.executionRole,
      logGroup: this.logGroup,
      taskDefinition: this.taskDefinition,
    } = fargateTask(name, { ...args, containerPort: args.loadBalancer?.containerPort }, this));

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
