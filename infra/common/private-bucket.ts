/**
 * A private bucket of the pipeline: every S3 bucket the program creates is made here, so
 * each one has what a security review checks for, and none can be made without it:
 * - public access blocked in all four ways (Security Hub S3.8);
 * - object ownership enforced: ACLs are off and the bucket owns every object, whoever
 *   writes it (Security Hub S3.12; https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html);
 * - encrypted at rest with S3-managed keys (SSE-S3, the one option ELB log delivery takes),
 *   or with a KMS key of the stack where the owner gives one (SSE-KMS with an S3 Bucket Key,
 *   which cuts the requests S3 makes to KMS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html);
 * - a bucket policy that refuses every request not made over TLS (Security Hub S3.5;
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html),
 *   plus what the owner adds (e.g. the load balancer's log delivery).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A statement of the bucket policy, as S3 reads it (resource policies name a principal). */
export interface BucketStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: "*" | { AWS: pulumi.Input<string> } | { Service: string };
  Action: readonly string[];
  Resource: pulumi.Input<string>[];
  Condition?: Record<string, Record<string, pulumi.Input<string>>>;
}

/** Refuses plain-HTTP requests to the bucket and its objects, whoever makes them. */
export function tlsOnlyStatement(bucketArn: pulumi.Input<string>): BucketStatement {
  return {
    Sid: "TlsOnly",
    Effect: "Deny",
    Principal: "*",
    Action: ["s3:*"],
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

export interface PrivateBucketArgs {
  /** `pulumi destroy` empties the bucket (every object version) before deleting it. */
  forceDestroy: boolean;
  /** Statements the bucket policy holds besides TLS-only, given the bucket's ARN. */
  statements?: (bucketArn: pulumi.Output<string>) => BucketStatement[];
  /** Encrypt objects with this KMS key instead of S3-managed keys. */
  kmsKeyArn?: pulumi.Input<string>;
}

export interface PrivateBucket {
  bucket: aws.s3.Bucket;
  /** The bucket policy; wait for it before a service is told to write to the bucket. */
  policy: aws.s3.BucketPolicy;
}

/** Creates the bucket and its settings as children of `owner`, each named `name`. */
export function privateBucket(name: string, args: PrivateBucketArgs, owner: pulumi.Resource): PrivateBucket {
  const parent = { parent: owner };
  const bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy }, parent);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    name,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    parent,
  );
  const ownership = new aws.s3.BucketOwnershipControls(
    name,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    parent,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [
        args.kmsKeyArn === undefined
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
              bucketKeyEnabled: true,
            },
      ],
    },
    parent,
  );
  const policy = new aws.s3.BucketPolicy(
    name,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [tlsOnlyStatement(bucket.arn), ...(args.statements?.(bucket.arn) ?? [])],
      }),
    },
    // S3 refuses concurrent changes to a bucket's access settings ("OperationAborted"):
    // the policy goes on after the public access block and the ownership setting.
    { parent: owner, dependsOn: [publicAccess, ownership] },
  );
  return { bucket, policy };
}
