/**
 * The pipeline's SNS topics (the alerts topic, each scaler's topic) are encrypted at rest
 * with one customer-managed key per stack, which rotates yearly. An AWS service publishes
 * to an encrypted topic only when the key's policy lets it use the key: the AWS managed
 * key (alias/aws/sns) cannot say so, so a topic encrypted with it would drop every alarm
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, "Enable compatibility
 * between event sources from AWS services and encrypted topics").
 *
 * Who may publish:
 * - CloudWatch alarms of this account and region: the key policy and each topic's access
 *   policy name them with aws:SourceAccount and aws:SourceArn (CloudWatch alarm actions:
 *   https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger); a topic's
 *   policy names exactly the alarms that notify it (`admitAlarms`).
 * - EventBridge rules, through the key: EventBridge's documented key statement carries no
 *   source condition, and topic policies for EventBridge take no Condition block
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions,
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-no-messages-published-sns).
 *   No rule of this program targets a topic today (the scalers' schedules invoke their
 *   functions directly), so no topic's access policy admits EventBridge yet.
 * Both key statements hold only while SNS uses the key for a topic of this account and
 * region: SNS's encryption context names the topic (kms:EncryptionContext:aws:sns:topicArn,
 * as in https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html).
 * The account root keeps administering the key, which also lets IAM policies grant its use.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KEY_DELETION_WINDOW_DAYS } from "./key-deletion";

/** What an AWS service needs of the key to publish to a topic it encrypts (the page above). */
export const TOPIC_KEY_PUBLISH_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"] as const;
/** What an alarm action does on its topic. */
export const TOPIC_PUBLISH_ACTIONS = ["sns:Publish"] as const;

export const ALARMS_PRINCIPAL = "cloudwatch.amazonaws.com";
export const EVENTS_PRINCIPAL = "events.amazonaws.com";

interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { AWS: string } | { Service: string };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** The topics' key policy for a stack in `region` of `account`. */
export function topicKeyPolicy(region: string, account: string): PolicyDocument {
  const ownTopics = { "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:${region}:${account}:*` };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministers",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AlarmsPublish",
        Effect: "Allow",
        Principal: { Service: ALARMS_PRINCIPAL },
        Action: [...TOPIC_KEY_PUBLISH_ACTIONS],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${account}:alarm:*` },
          StringLike: ownTopics,
        },
      },
      {
        Sid: "EventRulesPublish",
        Effect: "Allow",
        Principal: { Service: EVENTS_PRINCIPAL },
        Action: [...TOPIC_KEY_PUBLISH_ACTIONS],
        Resource: "*",
        Condition: { StringLike: ownTopics },
      },
    ],
  };
}

/** A topic's access policy: these alarms of `account` may publish, nobody else by it. */
export function alarmTopicPolicy(topicArn: string, account: string, alarmArns: string[]): PolicyDocument {
  if (alarmArns.length === 0) throw new Error(`no alarm is admitted to ${topicArn}: name the alarms that notify it`);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AlarmsPublish",
        Effect: "Allow",
        Principal: { Service: ALARMS_PRINCIPAL },
        Action: [...TOPIC_PUBLISH_ACTIONS],
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": [...alarmArns].sort() },
        },
      },
    ],
  };
}

/** The one key of a stack's topics. */
export class TopicKey extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("kinesis-pipeline:topics:TopicKey", name, {}, opts);
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the SNS topics of ${pulumi.getProject()}/${pulumi.getStack()}`,
        enableKeyRotation: true,
        deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
        policy: pulumi.all([region, account]).apply(([r, a]) => JSON.stringify(topicKeyPolicy(r, a))),
      },
      parent,
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${pulumi.getProject()}/${pulumi.getStack()}/${name}`, targetKeyId: this.key.keyId },
      parent,
    );
    this.arn = this.key.arn;
    this.registerOutputs({ keyArn: this.arn });
  }
}

/** An encrypted topic of the pipeline, a child of `owner`; `admitAlarms` says who publishes. */
export function encryptedTopic(name: string, args: { key: TopicKey }, owner: pulumi.Resource): aws.sns.Topic {
  return new aws.sns.Topic(name, { kmsMasterKeyId: args.key.arn }, { parent: owner });
}

/** Sets the topic's access policy (named `name`): exactly `alarms` may publish to it. */
export function admitAlarms(
  name: string,
  topic: aws.sns.Topic,
  alarms: aws.cloudwatch.MetricAlarm[],
  owner: pulumi.Resource,
): aws.sns.TopicPolicy {
  const account = aws.getCallerIdentityOutput({}, { parent: owner }).accountId;
  return new aws.sns.TopicPolicy(
    name,
    {
      arn: topic.arn,
      policy: pulumi
        .all([topic.arn, account, ...alarms.map((a) => a.arn)])
        .apply(([arn, a, ...alarmArns]) => JSON.stringify(alarmTopicPolicy(arn, a, alarmArns))),
    },
    { parent: owner },
  );
}
