/**
 * The compactor's role, through the IAM check's own pieces (tests/iam): one call of each kind
 * its contract declares, named as the compactor names its objects (object-keys.ts), is
 * allowed by the planned role, and every action the role is granted is used by one of them
 * or says who uses it. The whole check (tests/iam/roles.check.ts) holds the role to the
 * calls the compactor's own tests record; this holds it to its contract until they do.
 */
import { expect } from "chai";
import { TracedCall } from "../../../runtime/common/aws/call-trace";
import { LAKE_COMPACTOR } from "../../../runtime/lake/compaction/compactor-contract";
import {
  COMPACTION_STATE_KEY,
  compactedObjectKey,
  progressKey,
  tableObjectKey,
  timePartitionOf,
} from "../../../runtime/lake/object-keys";
import { planStack, PlanView } from "../../iam/plan-view";
import { checkStack } from "../../iam/role-check";

describe("Lake compactor: its role against its contract's calls, simulated", function () {
  this.timeout(120_000);
  let plan: PlanView;
  before(async () => {
    plan = await planStack("the dev defaults", {});
  });

  const env = { STREAM_NAME: "compactor-test-stream", LAKE_BUCKET: "compactor-test-lake" };
  const time = timePartitionOf(new Date("2026-12-07T05:30:00Z"));
  const segment = tableObjectKey("records", "acme", time, {
    shardId: "shardId-000000000000",
    first: { sequenceNumber: "1", subSequenceNumber: 0 },
  });
  const part = compactedObjectKey("records", "acme", time, { index: 0, of: 1 });
  const call = (service: string, operation: string, names: Record<string, string>): TracedCall => ({
    run: "synthetic",
    part: LAKE_COMPACTOR.part,
    env,
    service,
    operation,
    names,
  });
  const object = (operation: string, key: string) => call("S3", operation, { Bucket: env.LAKE_BUCKET, Key: key });
  const calls = [
    call("Kinesis", "ListShards", { StreamName: env.STREAM_NAME }),
    call("S3", "ListObjectsV2", { Bucket: env.LAKE_BUCKET }),
    object("GetObject", segment),
    object("PutObjectTagging", segment),
    object("GetObject", progressKey("shardId-000000000000")),
    object("GetObject", part),
    object("PutObject", part),
    object("GetObject", COMPACTION_STATE_KEY),
    object("PutObject", COMPACTION_STATE_KEY),
  ];

  it("the calls cover every call the contract declares", () => {
    const declared = new Set(LAKE_COMPACTOR.calls.map((c) => c.action));
    const made = new Set([
      "kinesis:ListShards",
      "s3:ListBucket",
      "s3:GetObject",
      "s3:PutObjectTagging",
      "s3:PutObject",
    ]);
    expect([...declared].sort()).to.deep.equal([...made].sort());
  });

  it("allows each, and grants the role nothing they do not use", async () => {
    const settings = new Map([[LAKE_COMPACTOR.part, new Set(Object.keys(env))]]);
    const result = await checkStack(plan, calls, settings);
    const role = plan.deployables.find((d) => d.part === LAKE_COMPACTOR.part)!;
    const roleName = plan.roles.find((r) => r.arn === role.roleArn)!.name;
    const mine = result.problems.filter((p) => p.includes(LAKE_COMPACTOR.part) || p.includes(`role ${roleName} `));
    expect(mine, `\n${mine.join("\n")}\n`).to.deep.equal([]);
    expect(result.calls).to.equal(calls.length);
  });

  it("refuses a write where the contract names none: a segment object", async () => {
    const settings = new Map([[LAKE_COMPACTOR.part, new Set(Object.keys(env))]]);
    const result = await checkStack(plan, [object("PutObject", segment)], settings);
    expect(result.problems.join("\n")).to.match(
      /lakeCompactorLambda .*needs s3:PutObject on arn:aws:s3:::lake-[^/]+\/tables\/records\/.*: refused/,
    );
  });
});
