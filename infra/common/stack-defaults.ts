/**
 * What every resource of the stack takes from its config, applied once for the whole stack
 * rather than handed through each component: the stack's tags on every resource that
 * takes tags, and the log retention on every CloudWatch log group.
 *
 * It is a stack transformation (pulumi.runtime.registerStackTransformation): it sees every
 * resource this program constructs, before it is registered, in the plan and the tests as
 * on `pulumi up`. awsx's components run in their own plugin: they get the tags as their own
 * `tags` input, and the transformation does not reach the children they make. The AWS
 * provider's defaultTags would reach those too, but tag inside the provider, where neither
 * the plan nor a test can see a resource's tags.
 */
import * as pulumi from "@pulumi/pulumi";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/**
 * Types whose `tags` is a list of tag objects, not a map (an Auto Scaling group's
 * propagate to its instances): the stack's map would not fit. None is in this stack.
 */
const LIST_TAGGED_TYPES = new Set(["aws:autoscaling/group:Group"]);

/**
 * Inputs of awsx components that the awsx plugin hands to a child resource as that
 * child's own arguments: an application load balancer passes its `tags` to the load
 * balancer alone, `defaultTargetGroup` to its target group and each listener's to the
 * listener (awsx/lb/applicationLoadBalancer.ts). awsx's VPC passes its `tags` to every
 * child itself (awsx/ec2/vpc.ts).
 */
const CHILD_ARGS: Readonly<Record<string, readonly string[]>> = {
  "awsx:lb:ApplicationLoadBalancer": ["defaultTargetGroup", "listener", "listeners"],
};

export interface StackDefaults {
  tags: Record<string, string>;
  logRetentionDays: number;
}

/**
 * The props a resource is registered with, given the stack's defaults. A generated resource
 * class passes every input its type declares, set or not, so `tags` is among the props
 * exactly when the type takes tags. A resource's own tags and retention win.
 */
export function withStackDefaults(type: string, props: pulumi.Inputs, defaults: StackDefaults): pulumi.Inputs {
  let result = props;
  if ("tags" in props && !LIST_TAGGED_TYPES.has(type)) {
    result = { ...result, tags: mergedTags(defaults.tags, props.tags) };
  }
  for (const key of CHILD_ARGS[type] ?? []) {
    if (props[key] !== undefined) result = { ...result, [key]: withTags(props[key], defaults.tags) };
  }
  if (type === LOG_GROUP && props.retentionInDays === undefined) {
    result = { ...result, retentionInDays: defaults.logRetentionDays };
  }
  return result;
}

/** The stack's tags under a resource's own, which win. */
function mergedTags(stack: Record<string, string>, own: unknown): pulumi.Input<Record<string, pulumi.Input<string>>> {
  return pulumi.Output.isInstance(own)
    ? own.apply((o) => ({ ...stack, ...(o as Record<string, string> | undefined) }))
    : { ...stack, ...(own as Record<string, pulumi.Input<string>> | undefined) };
}

/** A child's arguments (or a list of them) with the stack's tags; an Output is left as it is. */
function withTags(args: unknown, stack: Record<string, string>): unknown {
  if (Array.isArray(args)) return args.map((a) => withTags(a, stack));
  if (typeof args !== "object" || args === null || pulumi.Output.isInstance(args)) return args;
  const own = args as Record<string, unknown>;
  return { ...own, tags: mergedTags(stack, own.tags) };
}

/** Applies `defaults` to every resource the program constructs from now on. */
export function applyStackDefaults(defaults: StackDefaults): void {
  pulumi.runtime.registerStackTransformation(({ type, props, opts }) => {
    const transformed = withStackDefaults(type, props, defaults);
    return transformed === props ? undefined : { props: transformed, opts };
  });
}

/**
 * OpenSearch Service takes at most 10 tags on a domain
 * (https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_AddTags.html), S3
 * at most 10 on an object (https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-managing.html):
 * the analytics' domain and its code object carry the stack's tags.
 */
export const ANALYTICS_MAX_TAGS = 10;

/** The rule between the stack's tags and the parts that take fewer, in the words of the stack config. */
export function stackTagProblems({
  tags,
  analytics,
}: {
  tags?: Record<string, string>;
  analytics?: boolean;
}): string[] {
  const count = tags === undefined ? 0 : Object.keys(tags).length;
  if (analytics !== true || count <= ANALYTICS_MAX_TAGS) return [];
  return [
    `tags must hold at most ${ANALYTICS_MAX_TAGS} tags while analytics is true (an OpenSearch domain and an S3 object take no more), got ${count}: ` +
      "drop some, or pulumi config set analytics false",
  ];
}
