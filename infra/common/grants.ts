/**
 * Grants: the one way this program gives a role permissions. A component that owns a
 * resource knows which actions each use of it needs (named constants next to the
 * resource) and attaches them with `grant`, so nobody writes an IAM document by hand.
 *
 * tests/iam/ proves the grants from the calls the runtime makes (docs/iam.md): every call a
 * part records in the tests must be allowed, and every action granted must be used by a
 * recorded call of the role's part, or say who else uses it (`usedBy`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Who makes the calls a statement allows when it is no code of ours that the tests run: a
 * service acting with the role (Lambda's event source mapping, the ECS agent, Kinesis using
 * the key), or code we ship but cannot run here (the Flink connector). One reason for every
 * action of the statement, or one per action. Each reason names its source (a document, a
 * file of the other code), so a reader can check it.
 */
export type UsedBy = string | Readonly<Record<string, string>>;

export interface Statement {
  /** A short label that says why the role has these actions. */
  sid: string;
  actions: readonly string[];
  resources: pulumi.Input<string>[];
  /** IAM condition block, e.g. `{ StringEquals: { "kms:EncryptionContext:...": arn } }`. */
  condition?: pulumi.Input<Record<string, Record<string, pulumi.Input<string>>>>;
  /** Unset: code of the role's own part calls every action, and its recorded calls show it. */
  usedBy?: UsedBy;
}

/** The reason `usedBy` gives for `action`, if any. */
export function reasonFor(usedBy: UsedBy | undefined, action: string): string | undefined {
  if (usedBy === undefined || typeof usedBy === "string") return usedBy;
  return usedBy[action];
}

/**
 * The statements of every grant made in this process, by policy name: how tests/iam finds
 * the reasons beside a policy the plan records as JSON (an IAM document has no room for them).
 */
export const grantsByPolicy = new Map<string, readonly Statement[]>();

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
  grantsByPolicy.set(name, statements);
  return new aws.iam.RolePolicy(name, { role: role.name, policy: policyDocument(statements) }, { parent });
}
