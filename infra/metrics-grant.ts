/**
 * Publishing custom metrics. PutMetricData has no resource to scope to (its Resource must be
 * "*"), so the grant is scoped by the namespace condition instead: a role may write only
 * the pipeline's own namespace, never another application's metrics.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { METRICS_NAMESPACE } from "../runtime/metrics/namespace";
import { grant } from "./grants";

export const METRICS_PUBLISH_ACTIONS = ["cloudwatch:PutMetricData"] as const;

export function grantPublishMetrics(role: aws.iam.Role, grantee: string, parent: pulumi.Resource): aws.iam.RolePolicy {
  return grant(
    `${grantee}-metrics`,
    role,
    [
      {
        sid: "PipelineMetrics",
        actions: METRICS_PUBLISH_ACTIONS,
        resources: ["*"],
        condition: { StringEquals: { "cloudwatch:namespace": METRICS_NAMESPACE } },
      },
    ],
    parent,
  );
}
