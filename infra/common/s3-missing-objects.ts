/**
 * S3 answers GetObject of a missing key with 404 only to a caller allowed s3:ListBucket on the
 * bucket, and with 403 otherwise; the lake writer reads a segment's claim before it exists
 * (segment-claims.ts) and takes 404 for "not claimed", so it needs the listing permission,
 * from its role (infra/lake/lake-storage.ts) and from the VPC's S3 endpoint
 * (infra/network/endpoint-policies.ts), which take part in the same check.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Permissions)
 */
export const MISSING_OBJECT_ACTIONS: Readonly<Record<string, string>> = {
  "s3:ListBucket":
    "S3 checks it to answer GetObject of a missing claim with 404 rather than 403 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html)",
};
