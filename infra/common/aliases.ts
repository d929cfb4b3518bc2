/**
 * A component renamed after stacks were deployed keeps its resources through an alias of
 * its old type token: without it Pulumi would replace the component and all its children.
 */
import * as pulumi from "@pulumi/pulumi";

export function withAlias(
  opts: pulumi.ComponentResourceOptions | undefined,
  oldType: string,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: oldType }] };
}
