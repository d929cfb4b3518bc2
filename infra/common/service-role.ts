/**
 * A role an AWS service assumes on the pipeline's behalf (ECS tasks, Lambda, Managed Flink,
 * VPC flow logs), trusted only when the request comes from this account (the
 * confused-deputy guard) and, where the service names it, from the resources `sourceArn`
 * matches; with no permission of its own: components attach exactly what their code uses
 * through grants.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export function serviceRole(
  name: string,
  service:
    | "ecs-tasks.amazonaws.com"
    | "lambda.amazonaws.com"
    | "kinesisanalytics.amazonaws.com"
    | "vpc-flow-logs.amazonaws.com",
  parent: pulumi.Resource,
  sourceArn?: pulumi.Input<string>,
): aws.iam.Role {
  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  return new aws.iam.Role(
    name,
    {
      assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:SourceAccount": account },
              ...(sourceArn ? { ArnLike: { "aws:SourceArn": sourceArn } } : {}),
            },
          },
        ],
      }),
    },
    { parent },
  );
}
