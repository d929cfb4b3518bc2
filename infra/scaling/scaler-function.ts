/**
 * How the scalers are woken: an SNS topic that their alarms notify, and a schedule. The
 * schedule matters: an alarm notifies on a change of state only, so a stream or job that
 * stays over its threshold after one change would never wake the scaler again. The
 * policies are safe to run at any time (they decide from fresh metrics and respect their
 * cooldowns), so the schedule only makes sure they look.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { actionsOn } from "../../runtime/common/contract";
import { grant, Statement } from "../common/grants";
import { runtimeFunction, RuntimeFunctionArgs } from "../common/runtime-function";

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

/** Every 5 minutes, the shard policy's period. */
export const SCALER_SCHEDULE = "rate(5 minutes)";

export function scheduleFunction(
  name: string,
  fn: aws.lambda.Function,
  owner: pulumi.Resource,
  scheduleExpression: string = SCALER_SCHEDULE,
) {
  const rule = new aws.cloudwatch.EventRule(name, { scheduleExpression }, { parent: owner });
  new aws.lambda.Permission(
    `${name}-schedule`,
    { action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
    { parent: owner },
  );
  new aws.cloudwatch.EventTarget(name, { rule: rule.name, arn: fn.arn }, { parent: owner });
  return rule;
}

/** Packages a scaler function loads besides the runtime (the SDK comes with Lambda). */
export const SCALER_PACKAGES = ["aws-embedded-metrics"] as const;

/**
 * How long a scaler run may take before Lambda stops it. It must stay below the shard
 * policy's shortest cooldown: a run that claimed a change and stalls is stopped before any
 * other run may change the stream again (runtime/scaling/CONCURRENT-RUNS.md).
 */
export const SCALER_TIMEOUT_SECONDS = 60;

/**
 * A scaler's function: the runtime module, exactly `statements` plus what its contract calls
 * on no resource (GetMetricData and the account's DescribeLimits have no resource type, "*"),
 * woken by `topic` and the schedule. Runs may overlap: each scaler makes its change conditional on
 * the state it decided from (runtime/scaling/CONCURRENT-RUNS.md). `reservedConcurrency`
 * (scalerReservedConcurrency) also limits it to one run at a time, which Lambda refuses on
 * accounts that cannot keep 100 executions unreserved besides (see runtime-function.ts).
 */
export function scalerFunction(
  name: string,
  args: Pick<RuntimeFunctionArgs, "environment"> & {
    topic: aws.sns.Topic;
    statements: Statement[];
    reservedConcurrency: boolean;
  },
  owner: pulumi.Resource,
): aws.lambda.CallbackFunction<unknown, unknown> {
  const fn = runtimeFunction(
    name,
    {
      ...args,
      packages: SCALER_PACKAGES,
      memorySize: 256,
      timeout: SCALER_TIMEOUT_SECONDS,
      reservedConcurrency: args.reservedConcurrency ? 1 : undefined,
    },
    owner,
  );
  const unscoped = actionsOn(args.environment.contract, "*", args.environment.variables);
  grant(name, fn.role, [...args.statements, { sid: "NoResourceType", actions: unscoped, resources: ["*"] }], owner);
  subscribeFunction(name, args.topic, fn.function, owner);
  scheduleFunction(name, fn.function, owner);
  return fn.function;
}
