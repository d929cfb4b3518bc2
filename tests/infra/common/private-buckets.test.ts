import { expect } from "chai";
import { PlannedResource } from "../../../infra/plan/mocks";
import { Recorded, runPipeline } from "../../harness/pulumi";

const BUCKET = "aws:s3/bucket:Bucket";

/** The resources of `type` that configure `bucket` (by its id). */
function settingOf(recorded: Recorded, type: string, bucket: PlannedResource): PlannedResource[] {
  return recorded.all(type).filter((r) => r.inputs.bucket === bucket.state.id);
}

describe("private buckets", () => {
  let run: Awaited<ReturnType<typeof runPipeline>>;
  before(async () => {
    // Analytics on (the Flink code bucket) and the ingest load balancer (its access logs).
    run = await runPipeline();
  });

  it("the plan's buckets: the Flink code, the ingest access logs, the lake and its query results", () => {
    expect(
      run.recorded
        .all(BUCKET)
        .map((b) => b.name)
        .sort(),
    ).to.deep.equal(["analytics-code", "ingest-access-logs", "lake", "lake-query-results"]);
  });

  it("every bucket blocks public access in all four ways and enforces bucket-owner object ownership (no ACLs)", () => {
    for (const bucket of run.recorded.all(BUCKET)) {
      const [block, ...moreBlocks] = settingOf(
        run.recorded,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        bucket,
      );
      expect(moreBlocks, bucket.name).to.deep.equal([]);
      expect(block?.inputs, bucket.name).to.include({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const ownership = settingOf(run.recorded, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket);
      expect(
        ownership.map((o) => o.inputs.rule),
        bucket.name,
      ).to.deep.equal([{ objectOwnership: "BucketOwnerEnforced" }]);
    }
  });

  it("every bucket is encrypted: the lake's with its KMS key and a bucket key, the others with S3-managed keys (the one option ELB log delivery takes)", () => {
    const lakeKey = run.recorded.one("aws:kms/key:Key", "lake-key").state.arn;
    for (const bucket of run.recorded.all(BUCKET)) {
      const sse = settingOf(
        run.recorded,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        bucket,
      );
      const expected = bucket.name.startsWith("lake")
        ? {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: lakeKey },
            bucketKeyEnabled: true,
          }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } };
      expect(
        sse.map((s) => s.inputs.rules),
        bucket.name,
      ).to.deep.equal([[expected]]);
    }
  });

  it("every bucket's policy refuses any request to it or its objects that does not use TLS", () => {
    for (const bucket of run.recorded.all(BUCKET)) {
      const policies = settingOf(run.recorded, "aws:s3/bucketPolicy:BucketPolicy", bucket);
      expect(policies, bucket.name).to.have.lengthOf(1);
      const { Statement } = JSON.parse(policies[0].inputs.policy as string);
      expect(Statement[0], bucket.name).to.deep.equal({
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [bucket.state.arn, `${bucket.state.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
      // No statement opens the bucket to everyone.
      for (const s of Statement.slice(1)) expect(s.Principal, `${bucket.name} ${s.Sid}`).to.not.equal("*");
    }
  });

  it("a bucket's policy is set after its public access block and ownership (S3 refuses concurrent changes)", () => {
    for (const bucket of run.recorded.all(BUCKET)) {
      const [policy] = settingOf(run.recorded, "aws:s3/bucketPolicy:BucketPolicy", bucket);
      const waitsFor = [
        ...settingOf(run.recorded, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket),
        ...settingOf(run.recorded, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket),
      ].map((r) => r.urn);
      expect(policy.dependsOn, bucket.name).to.include.members(waitsFor);
    }
  });

  it("the Flink code bucket keeps its versions and is emptied by destroy only where configured", async () => {
    const code = run.recorded.one(BUCKET, "analytics-code");
    expect(code.inputs.forceDestroy).to.equal(false);
    expect(
      settingOf(run.recorded, "aws:s3/bucketVersioning:BucketVersioning", code).map(
        (v) => v.inputs.versioningConfiguration,
      ),
    ).to.deep.equal([{ status: "Enabled" }]);
  });
});
