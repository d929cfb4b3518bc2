/**
 * The lake's storage: its KMS key, the lake bucket (private, TLS-only, SSE-KMS with a bucket
 * key: infra/common/private-bucket.ts) with the lifecycle the config asks for, and the grant
 * a writer needs on its prefixes and on the key.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { grant, Statement } from "../common/grants";
import { KEY_DELETION_WINDOW_DAYS } from "../common/key-deletion";
import { PrivateBucket, privateBucket } from "../common/private-bucket";
import { MISSING_OBJECT_ACTIONS } from "../common/s3-missing-objects";
import { COMPACTED_SEGMENT_TAG } from "../../runtime/lake/compaction/expiry-tag";
import { TABLES_PREFIX } from "../../runtime/lake/object-keys";

/**
 * What S3 asks of KMS, with the caller's permissions, for an object encrypted with the
 * bucket's key: a data key to write it, Decrypt to read it (and to write one with a bucket
 * key, which S3 decrypts to derive object keys).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#aws-managed-customer-managed-keys
 */
export const S3_KEY_ACTIONS: Readonly<Record<string, string>> = {
  "kms:GenerateDataKey":
    "S3 asks KMS for a data key with the writer's permissions to encrypt each object (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html)",
  "kms:Decrypt":
    "S3 decrypts the bucket key / data key with the caller's permissions to read an object and for conditional writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html)",
};

export interface LakeLifecycle {
  /** Days after which objects move to Standard-IA; unset: never. */
  infrequentAccessDays?: number;
  /** Days after which objects are deleted; unset: kept. */
  retentionDays?: number;
  /** The compactor tags merged hours' segment objects, which then expire (compactedSegmentsRule). */
  compaction?: boolean;
}

/**
 * A segment object tagged as merged is deleted once this many days have passed since it was
 * written (S3 counts from creation and rounds to the next midnight UTC:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html). The
 * compactor tags it only 5 hours after the compaction state moved past its hour
 * (runtime/lake/compaction/retire.ts), longer than any query that read the state before the
 * move runs (Athena stops a query after at most 240 minutes), so even an object older than a
 * day, deleted at the next pass, is read by no query any more.
 */
export const COMPACTED_SEGMENT_EXPIRY_DAYS = 1;

/** The rule that deletes segment objects the compactor tagged as merged (only under tables/). */
export function compactedSegmentsRule(): aws.types.input.s3.BucketLifecycleConfigurationRule {
  return {
    id: "lake-compacted-segments",
    status: "Enabled",
    filter: { and: { prefix: TABLES_PREFIX, tags: { [COMPACTED_SEGMENT_TAG.key]: COMPACTED_SEGMENT_TAG.value } } },
    expiration: { days: COMPACTED_SEGMENT_EXPIRY_DAYS },
  };
}

/**
 * The bucket's lifecycle rules: one rule over every object (tables, compacted parts, the
 * compaction state, dead letters, claims and shard progress age together), and with
 * compaction, the expiry of merged segment objects. A shard's progress object expires
 * lakeRetentionDays after its last write (each write is a new object): an open shard's writer
 * rewrites it as it moves on, and a closed shard's, written at its end, outlives the shard's
 * listing (lake-rules.ts). An expired one only makes the compactor wait (no progress: nothing
 * is closed), never merge early.
 */
export function lifecycleRules(l: LakeLifecycle): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const compacted = l.compaction === true ? [compactedSegmentsRule()] : [];
  if (l.infrequentAccessDays === undefined && l.retentionDays === undefined) return compacted;
  return [
    ...compacted,
    {
      id: "lake-objects",
      status: "Enabled",
      filter: {},
      ...(l.infrequentAccessDays !== undefined
        ? { transitions: [{ days: l.infrequentAccessDays, storageClass: "STANDARD_IA" }] }
        : {}),
      ...(l.retentionDays !== undefined ? { expiration: { days: l.retentionDays } } : {}),
    },
  ];
}

/** A KMS key of the lake: the lake bucket's objects and Athena's query results. */
export function lakeKey(name: string, parent: pulumi.Resource): aws.kms.Key {
  const key = new aws.kms.Key(
    name,
    {
      description: `Encrypts the data lake of ${pulumi.getProject()}/${pulumi.getStack()}`,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
    },
    { parent },
  );
  new aws.kms.Alias(
    name,
    { name: `alias/${pulumi.getProject()}/${pulumi.getStack()}/${name}`, targetKeyId: key.keyId },
    { parent },
  );
  return key;
}

/** A private bucket encrypted with `key`, with lifecycle rules when there are any. */
export function encryptedBucket(
  name: string,
  args: { key: aws.kms.Key; forceDestroy: boolean; lifecycle: LakeLifecycle },
  parent: pulumi.Resource,
): PrivateBucket {
  const made = privateBucket(name, { forceDestroy: args.forceDestroy, kmsKeyArn: args.key.arn }, parent);
  const rules = lifecycleRules(args.lifecycle);
  if (rules.length > 0) {
    new aws.s3.BucketLifecycleConfiguration(name, { bucket: made.bucket.id, rules }, { parent });
  }
  return made;
}

/**
 * Lets `role` make `actions` (its contract's calls on the lake's objects) on the objects under
 * `prefixes`, and use the key the way S3 does for them: only through S3 in this region.
 */
export function grantLakeObjects(
  name: string,
  role: aws.iam.Role,
  args: { bucket: aws.s3.Bucket; key: aws.kms.Key; prefixes: readonly string[]; actions: readonly string[] },
  parent: pulumi.Resource,
): aws.iam.RolePolicy {
  const region = aws.getRegionOutput({}, { parent }).region;
  return grant(
    name,
    role,
    [
      {
        sid: "LakeObjects",
        actions: args.actions,
        resources: args.prefixes.map((p) => pulumi.interpolate`${args.bucket.arn}/${p}*`),
      },
      {
        sid: "LakeMissingObjects",
        actions: Object.keys(MISSING_OBJECT_ACTIONS),
        resources: [args.bucket.arn],
        usedBy: MISSING_OBJECT_ACTIONS,
      },
      lakeKeyThroughS3(args.key, region),
    ],
    parent,
  );
}

/** The lake key's use the way S3 makes it for the role's reads and writes, and only through S3 in this region. */
export function lakeKeyThroughS3(key: aws.kms.Key, region: pulumi.Input<string>): Statement {
  return {
    sid: "LakeKey",
    actions: Object.keys(S3_KEY_ACTIONS),
    resources: [key.arn],
    // The key serves the role only for requests S3 makes for it.
    condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`s3.${region}.amazonaws.com` } },
    usedBy: S3_KEY_ACTIONS,
  };
}
