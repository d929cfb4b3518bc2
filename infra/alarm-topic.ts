/**
 * An SNS topic that alarms notify and a function is subscribed to: how the scalers are
 * woken. The function may be invoked by this topic only.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export function subscribeFunction(
  name: string,
  topic: aws.sns.Topic,
  fn: aws.lambda.Function,
  owner: pulumi.Resource,
): aws.sns.TopicSubscription {
  new aws.lambda.Permission(
    name,
    { action: "lambda:InvokeFunction", function: fn.name, principal: "sns.amazonaws.com", sourceArn: topic.arn },
    { parent: owner },
  );
  return new aws.sns.TopicSubscription(
    name,
    { topic: topic.arn, protocol: "lambda", endpoint: fn.arn },
    { parent: owner },
  );
}
