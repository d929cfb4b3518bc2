/**
 * The stack's tags and log retention, applied once for the whole stack
 * (infra/common/stack-defaults.ts): over the plans of stacks that together create every
 * resource type the program makes, every resource whose type takes tags carries the
 * stack's, and every log group keeps logs for logRetentionDays. Which types take tags is
 * read from the provider SDKs' own typings, not from the transformation under test.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { PlannedResource } from "../../../infra/plan/mocks";
import { readStackConfigFile } from "../../../infra/plan/stack-config";
import { withStackDefaults } from "../../../infra/common/stack-defaults";
import { validateConfig } from "../../../infra/config/config";
import { runPipeline, TEST_CLIENT_CIDR, TEST_PLAIN_HTTP } from "../../harness/pulumi";

const ROOT = join(__dirname, "..", "..", "..");
const TAGS = { team: "data", "cost-center": "42 / east" };

/**
 * Whether a resource type's arguments take a map of tags, by the SDK's typings:
 * "aws:kinesis/stream:Stream" is `StreamArgs` in @pulumi/aws/kinesis/stream.d.ts,
 * "awsx:lb:ApplicationLoadBalancer" `ApplicationLoadBalancerArgs` in
 * @pulumi/awsx/lb/applicationLoadBalancer.d.ts.
 */
function takesTags(type: string): boolean {
  const [pkg, module, resource] = type.split(":");
  const [folder, file] = module.includes("/")
    ? module.split("/")
    : [module, resource[0].toLowerCase() + resource.slice(1)];
  const typings = join(ROOT, "node_modules", "@pulumi", pkg, folder, `${file}.d.ts`);
  if (!existsSync(typings)) throw new Error(`no typings for ${type} at ${typings}`);
  const text = readFileSync(typings, "utf8");
  const start = text.indexOf(`export interface ${resource}Args {`);
  if (start < 0) throw new Error(`${typings} declares no ${resource}Args`);
  const args = text.slice(start, text.indexOf("\n}", start));
  return /\n {4}tags\?: pulumi\.Input<\{\n\s*\[key: string\]: pulumi\.Input<string>;/.test(args);
}

/** Stacks that together create every resource type the program can make. */
const STACKS: { name: string; config: Record<string, string> }[] = [
  { name: "the dev defaults (fan-out workers, both scalers, analytics)", config: {} },
  {
    name: "Lambda processing, an ingest schema, HTTPS under a name the stack certifies",
    config: {
      processingMode: "lambda",
      ingestSchema: "weather-report",
      analytics: "false",
      ingestDomainName: "ingest.example.com",
      ingestHostedZoneId: "Z0123456789ABCDEFGHIJ",
      alertEmail: "ops@example.com",
    },
  },
  {
    name: "polling workers, an on-demand stream, a key of the user's, no flow logs",
    config: {
      processingRetrieval: "polling",
      streamMode: "ON_DEMAND",
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      flowLogs: "false",
    },
  },
];

/** The resources of the program itself: not our components, not providers. */
const planned = (resources: PlannedResource[]) =>
  resources.filter((r) => !r.type.startsWith("kinesis-pipeline:") && !r.type.startsWith("pulumi:"));

describe("stack defaults: tags and log retention on every resource", function () {
  this.timeout(120_000);
  const runs: { name: string; resources: PlannedResource[] }[] = [];
  before(async () => {
    for (const stack of STACKS) {
      const { recorded } = await runPipeline({ ...stack.config, tags: JSON.stringify(TAGS), logRetentionDays: "90" });
      runs.push({ name: stack.name, resources: planned(recorded.resources) });
    }
  });

  it("every resource whose type takes tags carries the stack's", () => {
    const untagged = runs.flatMap(({ name, resources }) =>
      resources
        .filter((r) => takesTags(r.type))
        .filter((r) => !isDeepStrictEqual(r.inputs.tags, TAGS))
        .map((r) => `${name}: ${r.type} ${r.name} has ${JSON.stringify(r.inputs.tags)}`),
    );
    expect(untagged).to.deep.equal([]);
  });

  it("the arguments awsx hands its load balancer's children carry them too", () => {
    const [dev] = runs;
    const alb = dev.resources.find((r) => r.type === "awsx:lb:ApplicationLoadBalancer")!;
    const children = [alb.inputs.defaultTargetGroup, ...(alb.inputs.listeners as unknown[])] as { tags?: unknown }[];
    expect(children.map((c) => c.tags)).to.deep.equal(children.map(() => TAGS));
  });

  it("the types that take no tags are the ones AWS keeps no tags on", () => {
    // Policies, attachments, rules and settings of another resource, and things that are
    // not AWS resources at all (an invocation, an image build): none has tags of its own.
    const types = [...new Set(runs.flatMap((r) => r.resources.map((x) => x.type)))].filter((t) => !takesTags(t));
    expect(types.sort()).to.deep.equal(
      [
        "aws:appautoscaling/policy:Policy",
        "aws:athena/namedQuery:NamedQuery",
        "aws:glue/catalogTable:CatalogTable",
        "aws:cloudwatch/dashboard:Dashboard",
        "aws:cloudwatch/eventTarget:EventTarget",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        "aws:cloudwatch/logStream:LogStream",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:kms/alias:Alias",
        "aws:lambda/invocation:Invocation",
        "aws:lambda/permission:Permission",
        "aws:opensearch/domainPolicy:DomainPolicy",
        "aws:route53/record:Record",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:acm/certificateValidation:CertificateValidation",
        "awsx:ecr:Image",
      ].sort(),
    );
  });

  it("every log group keeps logs for logRetentionDays", () => {
    const groups = runs.flatMap(({ name, resources }) =>
      resources
        .filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")
        .map((r) => `${name}: ${r.name} ${String(r.inputs.retentionInDays)}`),
    );
    expect(groups.length).to.be.greaterThan(10);
    expect(groups.filter((g) => !g.endsWith(" 90"))).to.deep.equal([]);
  });

  it("the dev stack's plan: its tags on the stream, its retention on the services' logs", async () => {
    const dev = readStackConfigFile(ROOT, "dev");
    const devTags = JSON.parse(dev.config["kinesis-pipeline:tags"]) as Record<string, string>;
    const { recorded } = await runPipeline({}, { stack: "dev", config: dev.config });
    expect(recorded.one("aws:kinesis/stream:Stream", "stream").inputs.tags).to.deep.equal(devTags);
    expect(recorded.one("aws:cloudwatch/logGroup:LogGroup", "ingest").inputs.retentionInDays).to.equal(30);
  });
});

describe("stack defaults: applied in one place", () => {
  it("no component is handed tags or a retention: only stack-defaults.ts sets them", () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
      );
    const setting = /\btags\s*[:,}]|\btags\s*\)|logRetentionDays\s*[:,}]|retentionInDays\s*:/;
    const offenders = sources(join(ROOT, "infra"))
      .map((path) => relative(ROOT, path))
      .filter((path) => !path.startsWith("infra/config/") && path !== "infra/common/stack-defaults.ts")
      .flatMap((path) =>
        readFileSync(join(ROOT, path), "utf8")
          .split("\n")
          .map((line) => ({ line: line.trim(), at: path }))
          .filter(({ line }) => !/^(\*|\/\/|\/\*\*)/.test(line) && setting.test(line))
          .map(({ line, at }) => `${at}: ${line}`),
      );
    // The one place the pipeline hands them over (the file, not a line number, so edits elsewhere in it do not break this).
    expect(offenders).to.deep.equal([
      // A lifecycle rule that selects objects by their S3 object tags: no resource's tags.
      "infra/lake/lake-storage.ts: filter: { and: { prefix: TABLES_PREFIX, tags: { [COMPACTED_SEGMENT_TAG.key]: COMPACTED_SEGMENT_TAG.value } } },",
      "infra/pipeline.ts: applyStackDefaults({ tags: config.tags, logRetentionDays: config.logRetentionDays });",
    ]);
  });
});

describe("stack defaults: how a resource's own settings meet the stack's", () => {
  const defaults = { tags: { team: "data", env: "dev" }, logRetentionDays: 30 };

  it("adds the stack's tags where the type takes tags, under the resource's own", () => {
    expect(withStackDefaults("aws:sqs/queue:Queue", { tags: undefined }, defaults).tags).to.deep.equal(defaults.tags);
    expect(withStackDefaults("aws:sqs/queue:Queue", { tags: { env: "prod", Name: "q" } }, defaults).tags).to.deep.equal(
      { team: "data", env: "prod", Name: "q" },
    );
  });

  it("merges own tags that are not known yet", async () => {
    const props = withStackDefaults("aws:sqs/queue:Queue", { tags: pulumi.output({ Name: "q" }) }, defaults);
    const tags = await new Promise((resolve) => (props.tags as pulumi.Output<unknown>).apply(resolve));
    expect(tags).to.deep.equal({ team: "data", env: "dev", Name: "q" });
  });

  it("leaves a type without tags, and an Auto Scaling group's list of tags, as they are", () => {
    const policy = { bucket: "b", policy: "{}" };
    expect(withStackDefaults("aws:s3/bucketPolicy:BucketPolicy", policy, defaults)).to.equal(policy);
    const group = { tags: [{ key: "k", value: "v", propagateAtLaunch: true }] };
    expect(withStackDefaults("aws:autoscaling/group:Group", group, defaults)).to.equal(group);
  });

  it("gives a log group the stack's retention unless it has its own", () => {
    expect(withStackDefaults("aws:cloudwatch/logGroup:LogGroup", {}, defaults)).to.deep.equal({ retentionInDays: 30 });
    expect(
      withStackDefaults("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 7 }, defaults).retentionInDays,
    ).to.equal(7);
  });

  it("refuses more tags than the analytics' domain and code object take, while analytics is true", () => {
    const eleven = JSON.stringify(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])));
    const on = validateConfig({ searchClientCidr: TEST_CLIENT_CIDR, ...TEST_PLAIN_HTTP, tags: eleven });
    expect(on.ok ? [] : on.problems).to.deep.equal([
      "tags must hold at most 10 tags while analytics is true (an OpenSearch domain and an S3 object take no more), got 11: drop some, or pulumi config set analytics false",
    ]);
    expect(validateConfig({ analytics: "false", tags: eleven, ...TEST_PLAIN_HTTP }).ok).to.equal(true);
  });
});
