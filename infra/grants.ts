/**
 * Grants: the one way this program gives a role permissions. A component that owns a
 * resource knows which actions each use of it needs (named constants next to the
 * resource) and attaches them with `grant`, so nobody writes an IAM document by hand.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface Statement {
  /** A short label that says why the role has these actions. */
  sid: string;
  actions: readonly string[];
  resources: pulumi.Input<string>[];
  /** IAM condition block, e.g. `{ StringEquals: { "kms:EncryptionContext:...": arn } }`. */
  condition?: pulumi.Input<Record<string, Record<string, pulumi.Input<string>>>>;
}

/** The IAM policy document for some statements, as JSON. */
export function policyDocument(statements: Statement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: "Allow",
      Action: [...s.actions],
      Resource: s.resources,
      ...(s.condition ? { Condition: s.condition } : {}),
    })),
  });
}

/**
 * Attaches statements to a role as an inline policy. `name` must be unique in the stack;
 * callers build it from the granting component and the grantee.
 */
export function grant(
  name: string,
  role: aws.iam.Role,
  statements: Statement[],
  parent: pulumi.Resource,
): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(name, { role: role.name, policy: policyDocument(statements) }, { parent });
}
